/// One step of a switch, in order: a file written or a systemctl call.
public enum SwitchStep: Sendable, Equatable {
    case file(FileChange)
    case service(ServiceAction)
}
