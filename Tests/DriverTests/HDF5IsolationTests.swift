import Foundation
@testable import HepexcDriver
import Testing

/// A crash, a hang or a refusal inside the HDF5 probe child becomes a
/// one-line error in the parent, which keeps running (issue 14 §4).
@Suite struct HDF5IsolationTests {
    static func script(_ body: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hepexc-probe-\(UUID().uuidString).sh").path
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test func aCrashingChildIsAnError() throws {
        let probe = try Self.script("kill -SEGV $$")
        defer { try? FileManager.default.removeItem(atPath: probe) }
        #expect {
            try HDF5Isolation.run(executable: probe, arguments: ["x.h5"], path: "x.h5")
        } throws: { error in
            "\(error)".contains("libhdf5 crashed") && "\(error)".contains("x.h5")
        }
    }

    @Test func aHangingChildIsStopped() throws {
        let probe = try Self.script("exec sleep 30")
        defer { try? FileManager.default.removeItem(atPath: probe) }
        let start = Date()
        #expect {
            try HDF5Isolation.run(executable: probe, arguments: [], path: "x.h5", timeLimit: 1)
        } throws: { error in
            "\(error)".contains("did not finish")
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func theChildsRefusalIsPassedOn() throws {
        let probe = try Self.script("echo 'error: x.h5 is not a valid model: broken' >&2; exit 1")
        defer { try? FileManager.default.removeItem(atPath: probe) }
        #expect {
            try HDF5Isolation.run(executable: probe, arguments: [], path: "x.h5")
        } throws: { error in
            "\(error)" == "x.h5 is not a valid model: broken"
        }
        let fine = try Self.script("exit 0")
        defer { try? FileManager.default.removeItem(atPath: fine) }
        try HDF5Isolation.run(executable: fine, arguments: [], path: "x.h5")
    }
}
