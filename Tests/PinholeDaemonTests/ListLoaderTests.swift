#if canImport(Glibc)
import Glibc
#endif
import PinholeCore
import PinholeDaemon
import Testing

@Suite struct ListLoaderTests {
    @Test func loadsAFileWithStatistics() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.write("ads.txt", "||ads.example^\nnot a rule\n||t.example^$third-party\n@@||ok.example^\n")
        let list = try ListLoader(localNames: []).load(
            ListSource(name: "ads", path: path, category: "ads", format: .adblock))
        #expect(list.name == "ads")
        #expect(list.category == "ads")
        #expect(list.files.map(\.file) == [path])
        let statistics = list.statistics
        #expect(statistics.entries == 2)
        #expect(statistics.lines == 4)
        #expect(statistics.rejectedCount == 0)
        #expect(statistics.ignored == ["url rule": 1, "$third-party": 1])
    }

    @Test func loadsEveryVisibleFileOfADirectoryInNameOrder() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("b.hosts", "0.0.0.0 b.example\n0.0.0.0 bad..example\n")
        directory.write("a.hosts", "0.0.0.0 a.example\n")
        directory.write(".hidden", "0.0.0.0 hidden.example\n")
        let list = try ListLoader(localNames: []).load(
            ListSource(name: "dir", path: directory.path, format: .hosts, plainLines: .exact))
        #expect(list.files.map(\.file) == ["\(directory.path)/a.hosts", "\(directory.path)/b.hosts"])
        #expect(list.files.flatMap(\.entries).map(\.name.text) == ["a.example", "b.example"])
        #expect(list.files.flatMap(\.entries).allSatisfy { $0.match == .exact })
        #expect(list.statistics.rejectedDescriptions == ["\(directory.path)/b.hosts:2: empty label: bad..example"])
    }

    @Test func skipsTheMachinesHostname() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.write("h", "127.0.1.1 myhost.lan myhost\n0.0.0.0 ad.example\n")
        let list = try ListLoader(localNames: ["myhost.lan", "myhost"]).load(
            ListSource(name: "h", path: path, format: .hosts))
        #expect(list.files[0].entries.map(\.name.text) == ["ad.example"])
        #expect(list.statistics.ignored["local name"] == 2)
    }

    @Test func aMissingFileIsAnErrorNamingPathAndErrno() {
        let source = ListSource(name: "gone", path: "/nonexistent/pinhole/list.txt", format: .plain)
        #expect {
            try ListLoader().load(source)
        } throws: { error in
            let text = "\(error)"
            return text.contains("list gone") && text.contains("/nonexistent/pinhole/list.txt")
                && text.contains("No such file or directory")
        }
    }

    @Test func anUnreadableFileIsAnError() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // A FIFO nobody writes to would block; a socket path cannot be opened at all (ENXIO).
        let path = "\(directory.path)/socket"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
        #expect {
            try ListLoader().load(ListSource(name: "s", path: path, format: .plain))
        } throws: { error in
            "\(error)".contains("cannot open \(path)") && "\(error)".contains("errno \(ENXIO)")
        }
    }
}
