import ArgumentParser
import Foundation
import HepexcDriver

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

    var request: ModelRequest {
        ModelRequest(path: model, config: config, passes: passes, canonicalize: !noCanonicalize, printIRAfterAll: printIrAfterAll)
    }
}

/// The data-set options `eval` and `train` share.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The data set (.npz, .npy or idx[.gz]).")
    var data: String

    @Option(name: .long, help: "A separate labels file for --data (.npy or idx).")
    var labels: String?

    @Option(name: .long, help: "Key of the inputs inside an .npz (default: x).")
    var inputKey: String?

    @Option(name: .long, help: "Key of the labels inside an .npz (default: y).")
    var labelKey: String?

    @Option(name: .long, help: "Use only the first N samples.")
    var limit: Int?

    @Option(name: .long, help: "The images' layout when it differs from the model's: nchw or nhwc (they are transposed; hepexc never guesses).")
    var layout: DataLayout?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    var request: DataRequest {
        var request = DataRequest(path: data, labels: labels, inputKey: inputKey, labelKey: labelKey, limit: limit)
        request.layout = layout
        return request
    }
}

/// Shared `--json` flag.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false
}

enum Console {
    /// Runs `body` and prints its outcome (text, or JSON with `json`). A
    /// failure becomes one `error:` line on standard error with exit code 1
    /// (70 for an internal error: a bug in hepexc, not in the input).
    static func run(json: Bool = false, _ body: () throws(DriverError) -> any CommandOutcome) throws {
        do {
            print(try body().rendered(json: json))
        } catch {
            throw fail(error)
        }
    }

    /// Like ``run(json:_:)`` for commands whose output is plain text.
    static func runText(_ body: () throws(DriverError) -> String?) throws {
        do {
            if let text = try body().map({ TerminalText.sanitized($0) }) { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
        } catch {
            throw fail(error)
        }
    }

    /// Checks a request in `validate()`: a bad option prints with the usage.
    static func validate(_ check: () throws(DriverError) -> Void) throws {
        do { try check() } catch { throw ValidationError(error.userMessage()) }
    }

    /// A line on standard error (progress).
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((TerminalText.sanitized(line) + "\n").utf8))
    }

    private static func fail(_ error: DriverError) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(error.userMessage())\n".utf8))
        if case .internalError = error { return ExitCode(70) }
        return ExitCode(1)
    }
}
