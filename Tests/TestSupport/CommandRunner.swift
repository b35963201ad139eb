import Foundation

/// Runs a program to completion and collects what it printed.
public enum CommandRunner {
    /// Runs `executable` with `arguments`; stdout and stderr together.
    /// `standardInput` nil inherits this process's.
    public static func run(_ executable: URL, _ arguments: [String], standardInput: FileHandle? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let standardInput { process.standardInput = standardInput }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
