import PinholeDaemon
print("pinholed \(PinholeVersion.string)")
