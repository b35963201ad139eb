import CNftables
import Foundation

/// One libnftables context: scripts in nft's command language, output and
/// errors captured in memory. Calls are serialized by a lock, so one
/// instance may be shared between threads.
///
/// The context's netlink socket is opened by `init`, in the network
/// namespace of the calling thread: create and use an instance where the
/// table should live. Cgroup paths in scripts would be resolved against
/// /sys/fs/cgroup (absent on hybrid hosts), so pinholed names no cgroup
/// in nft text: cgroup-keyed elements go by id over netlink
/// (`NetlinkSetWriter`), and listings show ids nft cannot name as numbers.
public final class Nftables: @unchecked Sendable {
    private let lock = NSLock()
    private let context: OpaquePointer

    public init() throws(NftablesError) {
        guard let context = nft_ctx_new(UInt32(NFT_CTX_DEFAULT)) else {
            throw NftablesError(command: "", message: "nft_ctx_new failed")
        }
        guard nft_ctx_buffer_output(context) == 0, nft_ctx_buffer_error(context) == 0 else {
            nft_ctx_free(context)
            throw NftablesError(command: "", message: "nft_ctx_buffer_output/error failed")
        }
        self.context = context
    }

    deinit { nft_ctx_free(context) }

    /// Runs `script` (one or more commands, newline- or ';'-separated) as
    /// one netlink transaction: all of it takes effect or none. Returns
    /// what nft printed (empty for most commands).
    @discardableResult
    public func run(_ script: String) throws(NftablesError) -> String {
        lock.lock()
        defer { lock.unlock() }
        return try runLocked(script)
    }

    /// The JSON nft -j would print for `command` ("list table inet pinhole").
    public func json(_ command: String) throws(NftablesError) -> String {
        lock.lock()
        defer { lock.unlock() }
        let flags = nft_ctx_output_get_flags(context)
        nft_ctx_output_set_flags(context, flags | UInt32(NFT_CTX_OUTPUT_JSON))
        defer { nft_ctx_output_set_flags(context, flags) }
        return try runLocked(command)
    }

    private func runLocked(_ script: String) throws(NftablesError) -> String {
        let status = nft_run_cmd_from_buffer(context, script)
        // Reading a buffer also rewinds it for the next command.
        let output = nft_ctx_get_output_buffer(context).map { String(cString: $0) } ?? ""
        let errors = nft_ctx_get_error_buffer(context).map { String(cString: $0) } ?? ""
        guard status == 0 else {
            throw NftablesError(command: script, message: errors.isEmpty ? "nft status \(status)" : errors)
        }
        return output
    }
}
