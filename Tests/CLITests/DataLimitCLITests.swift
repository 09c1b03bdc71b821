import Foundation
import _HepexcTestSupport
import Testing

/// Decompression is bounded: an .npz member that would inflate past the
/// limit (here lowered through HEPEXC_MAX_INPUT_BYTES) is a one-line error
/// before anything is allocated, not gigabytes of memory.
@Suite struct DataLimitCLITests {
    @Test func membersBeyondTheLimitAreRefused() throws {
        let limited = try CLIRunner.run(["eval", "models/digits_mlp_square.onnx", "--data", "models/data/digits_test.npz"],
                                        environment: ["HEPEXC_MAX_INPUT_BYTES": "1000"])
        #expect(limited.status == 1 && limited.stderr.contains("HEPEXC_MAX_INPUT_BYTES"), "\(limited.stderr)")
        #expect(limited.stderr.split(separator: "\n").count == 1)
        let normal = try CLIRunner.run(["eval", "models/digits_mlp_square.onnx", "--data", "models/data/digits_test.npz"])
        #expect(normal.status == 0, "\(normal.stderr)")
    }
}
