public import HepexcIR

/// A named, option-bearing transformation of a graph.
///
/// Passes keep no state between runs; options arrive as the text of the
/// pipeline form `name{key=value,…}` and each pass validates its own keys.
public protocol Pass: Sendable {
    /// The pipeline name, e.g. `fold-bn`.
    static var name: String { get }
    /// One line for `hepexc opt --list-passes`.
    static var summary: String { get }
    /// Option keys the pass understands, with a one-line description each.
    static var optionHelp: [(key: String, help: String)] { get }

    /// Creates the pass from its textual options.
    /// - Throws: `PassError.invalidOption` for unknown keys or bad values.
    init(options: [String: String]) throws(PassError)

    /// The options as they print back in a pipeline (sorted keys).
    var options: [String: String] { get }

    /// Transforms `graph` in place.
    func run(on graph: inout Graph) throws(PassError)
}

extension Pass {
    public static var optionHelp: [(key: String, help: String)] { [] }
    public var options: [String: String] { [:] }

    /// Rejects option keys the pass does not know.
    public static func checkKeys(_ options: [String: String]) throws(PassError) {
        let known = Set(optionHelp.map(\.key))
        for key in options.keys.sorted() where !known.contains(key) {
            let hint = known.isEmpty ? "it takes no options" : "known: \(known.sorted().joined(separator: ", "))"
            throw .invalidOption(pass: name, option: key, reason: "unknown option (\(hint))")
        }
    }
}
