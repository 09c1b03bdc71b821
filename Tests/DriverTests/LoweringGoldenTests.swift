import Foundation
import HepexcDriver
import HepexcPasses
import HepexcPlan
import Testing
import _HepexcTestSupport

/// Lowering goldens: a small bundled model compiled as `hepexc compile` does, its plan dump as
/// `hepexc inspect plan.hepx` prints it, checked against the partial `CHECK` lines of
/// `LoweringGolden/<case>.check` (FileCheck-style, see `FileCheck`). They pin, per layer, the
/// form chosen (Type A, B, D), the tile grid, the tiles stored and the HE operation counts,
/// without pinning the estimated timings.
@Suite struct LoweringGoldenTests {
    struct Case: Sendable, CustomStringConvertible {
        var golden: String
        var tile: (Int, Int)
        var firstForm: FCForm? = nil
        var passes: String? = nil
        var description: String { golden }
    }

    static let cases = [
        Case(golden: "digits_16x16_B_A", tile: (16, 16)),
        Case(golden: "digits_16x16_A_B", tile: (16, 16), firstForm: .typeA),
        Case(golden: "digits_2x32_B_D", tile: (2, 32)),
        Case(golden: "digits_16x16_pruned", tile: (16, 16), passes: "prune-tiles{ratio=0.5}"),
    ]

    @Test(arguments: cases)
    func planDumpMatchesGolden(_ golden: Case) throws {
        let options = PlanCompiler.Options(t1: golden.tile.0, t2: golden.tile.1, logN: 10, insecure: true,
                                           firstForm: golden.firstForm)
        let (plan, _) = try PlanRunner.compile(TestPaths.path("models/digits_mlp_square.onnx"),
                                               options: options, passes: golden.passes)
        let dump = PlanReport(plan).text
        let checks = try String(contentsOfFile: TestPaths.path("Tests/DriverTests/LoweringGolden/\(golden.golden).check"),
                                encoding: .utf8)
        let failures = FileCheck.run(checks, on: dump)
        #expect(failures.isEmpty, "\(golden.golden).check: \(failures.map { $0.description }.joined(separator: "; "))\n--- plan dump ---\n\(dump)")
    }

    // MARK: The checker itself

    static let text = """
        layer  kind  level
        %0     fc-B      3   4×4
        %1     poly      2
        %logits fc-A     1
        """

    @Test func checkerAcceptsInOrderPartialMatches() {
        #expect(FileCheck.run("CHECK: %0 fc-B 3\nCHECK-SAME: 4×4\nCHECK-NEXT: poly\nCHECK-NOT: fc-D\nCHECK: fc-A", on: Self.text).isEmpty)
        #expect(FileCheck.run("; a comment\nCHECK: layer kind level\nCHECK: %logits", on: Self.text).isEmpty)
    }

    @Test func checkerRejectsMissingOutOfOrderAndForbiddenLines() {
        #expect(FileCheck.run("CHECK: fc-A\nCHECK: fc-B", on: Self.text).map(\.checkLine) == [2])
        #expect(FileCheck.run("CHECK: %0\nCHECK-NEXT: fc-A", on: Self.text).map(\.checkLine) == [2])
        #expect(FileCheck.run("CHECK: %0\nCHECK-SAME: poly", on: Self.text).map(\.checkLine) == [2])
        #expect(FileCheck.run("CHECK: %0\nCHECK-NOT: poly\nCHECK: fc-A", on: Self.text).map(\.checkLine) == [2])
        #expect(FileCheck.run("CHECK: fc-B\nCHECK-NOT: fc-A", on: Self.text).map(\.checkLine) == [2])
        #expect(FileCheck.run("CHECK: fc-B 4", on: Self.text).map(\.checkLine) == [1])
        #expect(!FileCheck.run("no directives", on: Self.text).isEmpty)
    }
}
