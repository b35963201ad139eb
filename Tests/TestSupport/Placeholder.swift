import DNSWire
