internal import Foundation
internal import HepexcIR

/// How to load a model: the file, a Keras config, the import pipeline and
/// any extra passes (the options every model-reading command shares).
public struct ModelRequest: Sendable {
    public var path: String
    /// A Keras model's JSON config, for weights-only `.h5` files.
    public var config: String?
    /// A pass pipeline run after import.
    public var passes: String?
    public var canonicalize: Bool
    /// Print the IR after every pass to standard error.
    public var printIRAfterAll: Bool

    public init(path: String, config: String? = nil, passes: String? = nil, canonicalize: Bool = true,
                printIRAfterAll: Bool = false) {
        self.path = path
        self.config = config
        self.passes = passes
        self.canonicalize = canonicalize
        self.printIRAfterAll = printIRAfterAll
    }

    /// Loads and canonicalizes the model, then runs `passes`.
    public func load() throws(DriverError) -> LoadedModel {
        var printer: (@Sendable (String, Graph) -> Void)?
        if printIRAfterAll {
            printer = { name, graph in
                let text = "// ----- IR after \(name)\n" + graph.printed(PrintOptions())
                FileHandle.standardError.write(Data(text.utf8))
            }
        }
        return try ModelLoader.load(path, configPath: config, canonicalize: canonicalize, passes: passes, afterPass: printer)
    }
}
