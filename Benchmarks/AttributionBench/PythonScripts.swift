/// The client programs, run by /usr/bin/python3 so each is a real process
/// with an identity of its own (not the bench's). Each exits when its stdin
/// reaches EOF, so none outlives the bench.
enum PythonScripts {
    static let interpreter = "/usr/bin/python3"

    /// argv: host udpPort tcpPort count. Opens `count` UDP sockets connected
    /// to the server (one datagram "u" each) and `count` TCP connections,
    /// then prints "ready FD" (FD: a spare UDP socket). For every line on
    /// stdin it replaces the spare socket the way glibc's resolver does
    /// (close, socket, connect, send "n"), and prints the new socket's fd.
    static let holder = """
        import socket, sys
        host, uport, tport, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        keep = []
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.connect((host, uport))
            s.send(b"u")
            keep.append(s)
        for _ in range(n):
            keep.append(socket.create_connection((host, tport)))
        spare = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        print("ready", spare.fileno(), flush=True)
        while sys.stdin.readline():
            spare.close()
            spare = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            spare.connect((host, uport))
            spare.send(b"n")
            print(spare.fileno(), flush=True)
        """

    /// argv: host udpPort cgroupDir moveToDir. Joins cgroupDir (when not
    /// empty) before making its socket, so the socket carries that cgroup;
    /// moves to moveToDir (when not empty) after; sends its pid as one
    /// datagram; waits for EOF on stdin.
    static let firstQuery = """
        import os, socket, sys
        host, port, join, move = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        if join:
            with open(join + "/cgroup.procs", "w") as f: f.write(str(os.getpid()))
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((host, port))
        if move:
            with open(move + "/cgroup.procs", "w") as f: f.write(str(os.getpid()))
        s.send(str(os.getpid()).encode())
        sys.stdin.read()
        """
}
