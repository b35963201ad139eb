/// pinhole's version, shown by `--version`.
public enum PinholeVersion {
    public static let string = "0.1.0"
}
