import ArgumentParser
import Foundation
import HepexcDriver
import HepexcIR

/// Options shared by the commands that load a model.
struct ModelOptions: ParsableArguments {
    @Argument(help: "The model: .onnx, Keras (.h5, .keras, .weights.h5), or textual IR (.hepir).")
    var model: String

    @Option(name: .long, help: ArgumentHelp("The Keras model's JSON config (model.to_json()), for weights-only .h5 files.", valueName: "json"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Pass pipeline to run after import, e.g. 'fold-bn' or 'fuse-poly,dce'.", valueName: "pipeline"))
    var passes: String?

    @Flag(name: .long, help: "Skip the import canonicalization (fuse-poly, fuse-bias, dce).")
    var noCanonicalize = false

    @Flag(name: .long, help: "Print the IR after every pass to standard error.")
    var printIrAfterAll = false

    func load() throws(DriverError) -> LoadedModel {
        var printer: (@Sendable (String, Graph) -> Void)?
        if printIrAfterAll {
            printer = { name, graph in
                let text = "// ----- IR after \(name)\n" + graph.printed(PrintOptions())
                FileHandle.standardError.write(Data(text.utf8))
            }
        }
        return try ModelLoader.load(model, configPath: config, canonicalize: !noCanonicalize, passes: passes, afterPass: printer)
    }
}

/// Shared `--json` flag.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false
}

enum Console {
    /// Prints `value` as one pretty, key-sorted JSON object.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Runs `body`, turning any failure into a one-line `error:` message on
    /// standard error and exit code 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            let message = DriverError(error).description.replacingOccurrences(of: "\n", with: " ")
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Writes `text` to `path` atomically (nothing half-written on failure).
    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DriverError.write(path: path, reason: error.localizedDescription)
        }
    }
}

import HepexcPlan

/// Carries a plan through generic code without importing the plan module everywhere.
struct HepexcPlanBox {
    var plan: Plan
}
