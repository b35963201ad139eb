import PinholeDaemon
print("pinhole \(PinholeVersion.string)")
