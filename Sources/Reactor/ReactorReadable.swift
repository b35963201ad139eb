/// Something that owns a watched descriptor and reads it when the reactor
/// sees it readable (see `Reactor.watch`).
public protocol ReactorReadable: AnyObject {
    /// The descriptor has data (or a pending error) to read; called on the
    /// reactor thread. Level-triggered: what is left unread is reported again.
    func readable()
}
