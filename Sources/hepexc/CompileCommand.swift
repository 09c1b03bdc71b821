import ArgumentParser
import HepexcDriver
import HepexcPasses
import HepexcPlan

/// `16x16`, `8x32`, or `auto`.
struct TileArgument: ExpressibleByArgument {
    var t1: Int
    var t2: Int
    var isAuto: Bool

    init?(argument: String) {
        if argument == "auto" {
            (t1, t2, isAuto) = (0, 0, true)
            return
        }
        let parts = argument.lowercased().split(separator: "x")
        guard parts.count == 2, let t1 = Int(parts[0]), let t2 = Int(parts[1]), t1 > 0, t2 > 0 else { return nil }
        (self.t1, self.t2, isAuto) = (t1, t2, false)
    }

    /// Every t1×t2 with both sides a power of two from 1 to 256 (a Type-D
    /// layer needs t2 ≥ its width).
    static let candidates: [(Int, Int)] = {
        let sides = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        return sides.flatMap { t1 in sides.map { t2 in (t1, t2) } }
    }()
}

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile a model into a packed encrypted-execution plan (.hepx).",
        discussion: """
        The model's dense layers become tile-tensor layers (Type A / Type B alternating), its polynomial \
        activations minimal-depth polynomial evaluations; CKKS parameters are chosen from the depth and the \
        tile shape at 128-bit security. --tile auto picks the tile shape with the lowest estimated latency \
        (op counts × per-op costs). With --json, prints the plan report (see docs/cli.md).
        """
    )

    @Argument(help: "The model (.onnx, .hepir).")
    var model: String

    @Option(name: .long, help: "Tile shape t1xt2 (powers of two), or 'auto'.")
    var tile: TileArgument = TileArgument(argument: "16x16")!

    @Option(name: .long, help: "Minimum samples per ciphertext (raises N if needed).")
    var batch: Int?

    @Option(name: .long, help: ArgumentHelp("Extra passes to run before lowering.", valueName: "pipeline"))
    var passes: String?

    @Option(name: .customLong("insecure-test-logn"), help: "INSECURE: force this log2 ring degree below the security bound (tests only).")
    var insecureLogN: Int?

    @Option(name: .long, help: "With --tile auto, skip tile shapes whose estimated server memory exceeds this many MiB.")
    var maxMemoryMib: Int = 4096

    @Option(name: .long, help: "A `hepexc bench ckks --json` report whose per-op costs drive the estimates and --tile auto.")
    var costs: String?

    @Option(name: .long, help: ArgumentHelp("Form of the first dense layer: A, B or D (diagonal; layers of at most t2 outputs). Default: the compiler's rule, or every choice with --tile auto.", valueName: "form"))
    var firstForm: String?

    @Flag(name: .long, help: "Use only the alternating Type A / Type B forms (no diagonal Type-D layers).")
    var noDiagonal = false

    @Option(name: .long, help: "CKKS scale bits: 40 (precise) or 35 (smaller keys and rings, errors up to ~1e-4…1e-3); default 40 where it fits the ring.")
    var scaleBits: Int?

    @Option(name: .shortAndLong, help: "Where to write the plan.")
    var output: String?

    @OptionGroup var schemeOptions: SchemeOptions

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
        if !tile.isAuto, !(tile.t1 > 0 && tile.t1 & (tile.t1 - 1) == 0 && tile.t2 > 0 && tile.t2 & (tile.t2 - 1) == 0) {
            throw ValidationError("--tile \(tile.t1)x\(tile.t2): both dimensions must be powers of two")
        }
        if let insecureLogN, !(2...16).contains(insecureLogN) { throw ValidationError("--insecure-test-logn must be in 2…16") }
        if let firstForm, FCForm(rawValue: firstForm.uppercased()) == nil {
            throw ValidationError("--first-form \(firstForm): expected A, B or D")
        }
        if let scaleBits, ![35, 40].contains(scaleBits) { throw ValidationError("--scale-bits must be 35 or 40") }
        if noDiagonal, firstForm?.uppercased() == "D" { throw ValidationError("--first-form D contradicts --no-diagonal") }
        try schemeOptions.validate(tileIsAuto: tile.isAuto)
    }

    /// The first forms to try: the one asked for, or with --tile auto each
    /// choice besides the compiler's rule (nil).
    var firstForms: [FCForm?] {
        if let firstForm { return [FCForm(rawValue: firstForm.uppercased())] }
        return tile.isAuto ? [nil, .typeA, .typeB] + (noDiagonal ? [] : [.diagonal]) : [nil]
    }

    /// What --tile auto minimises: the latency (client encryption plus
    /// server execution) of one batch of `--batch` samples when given,
    /// otherwise the latency per sample (throughput).
    func objective(_ report: PlanReport) -> Double {
        let perCiphertext = report.estimatedSeconds + report.estimatedEncryptSeconds
        if let batch {
            let ciphertexts = (batch + report.batchPerCiphertext - 1) / report.batchPerCiphertext
            return perCiphertext * Double(ciphertexts)
        }
        return perCiphertext / Double(report.batchPerCiphertext)
    }

    func run() throws {
        try Console.run {
            let shapes = tile.isAuto ? TileArgument.candidates : [(tile.t1, tile.t2)]
            let costModel = try costs.map { path throws(DriverError) in try CostModel(benchReport: path) } ?? .default
            var best: (report: PlanReport, plan: HepexcPlanBox)?
            var failures: [(shape: String, reason: String)] = []
            let pruned = try schemeOptions.prune(model: model, passes: passes, t1: tile.t1, t2: tile.t2, quiet: outputOptions.json)
            // Load (and prune) once; only the lowering depends on the tile shape.
            let graph = try pruned?.graph ?? PlanRunner.loadForCompilation(model, passes: passes)
            // Affine segments (a convolution's Toeplitz matrix) are measured once for every shape.
            let lowered = try PlanRunner.lower(graph)
            for (t1, t2) in shapes {
              for first in firstForms {
                let options = PlanCompiler.Options(t1: t1, t2: t2, logN: insecureLogN, insecure: insecureLogN != nil,
                                                   minimumBatch: batch, firstForm: first, diagonal: !noDiagonal,
                                                   scaleBits: scaleBits)
                do {
                    let plan = try PlanRunner.compile(lowered, options: options)
                    let report = PlanReport(plan, costModel: costModel)
                    if tile.isAuto && report.estimatedMemoryBytes > maxMemoryMib << 20 {
                        failures.append(("\(t1)x\(t2)", "estimated memory above \(maxMemoryMib) MiB"))
                        continue
                    }
                    if best.map({ objective(report) < objective($0.report) }) ?? true {
                        best = (report, HepexcPlanBox(plan: plan))
                    }
                } catch {
                    if !tile.isAuto { throw error }
                    failures.append(("\(t1)x\(t2)", "\(error)"))
                }
              }
            }
            guard let best else {
                // One reason for every shape (the model itself cannot run encrypted) is said once.
                let reasons = Set(failures.map(\.reason))
                if reasons.count == 1, let reason = reasons.first { throw DriverError.execution(reason) }
                throw DriverError.execution("no tile shape works: " + failures.map { "\($0.shape): \($0.reason)" }.joined(separator: "; "))
            }
            if let output { try PlanRunner.write(best.plan.plan, to: output) }
            if outputOptions.json {
                if let pruned {
                    try Console.printJSON(SchemeCompileReport(plan: best.report, pruning: pruned.report))
                } else {
                    try Console.printJSON(best.report)
                }
            } else {
                if let pruned { print(pruned.report.text + "\n") }
                print(best.report.text)
                if tile.isAuto { print("tile chosen automatically: \(best.report.tile[0])x\(best.report.tile[1])") }
                if let output { print("wrote \(output)") }
                if let path = schemeOptions.saveIr { print("wrote \(path)") }
            }
        }
    }
}
