/// A parsed pipeline: `fuse-poly,fold-bn,prune{ratio=0.5,scope=global}`.
///
/// `description` prints the canonical form back (aliases expanded, option
/// keys sorted), so parse → print → parse is stable.
public struct PassPipeline: Sendable, CustomStringConvertible {
    public private(set) var passes: [any Pass]

    public init(passes: [any Pass]) { self.passes = passes }

    /// Parses the textual form; an empty string is the empty pipeline.
    public init(parsing text: String) throws(PassError) {
        var passes: [any Pass] = []
        for element in try Self.split(text) {
            let (name, options) = try Self.parseElement(element)
            if let expansion = PassRegistry.aliases[name] {
                guard options.isEmpty else { throw .invalidOption(pass: name, option: options.keys.sorted()[0], reason: "a pipeline alias takes no options") }
                passes.append(contentsOf: try PassPipeline(parsing: expansion).passes)
                continue
            }
            guard let type = PassRegistry.pass(named: name) else {
                throw .unknownPass(name, known: PassRegistry.knownNames)
            }
            passes.append(try type.init(options: options))
        }
        self.passes = passes
    }

    public var description: String {
        passes.map { pass in
            let name = type(of: pass).name
            let options = pass.options
            guard !options.isEmpty else { return name }
            return name + "{" + options.keys.sorted().map { "\($0)=\(options[$0] ?? "")" }.joined(separator: ",") + "}"
        }.joined(separator: ",")
    }

    /// Top-level comma split that respects `{…}`.
    static func split(_ text: String) throws(PassError) -> [String] {
        var elements: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "{": depth += 1; current.append(character)
            case "}":
                depth -= 1
                guard depth >= 0 else { throw .invalidPipeline("unbalanced '}' in '\(text)'") }
                current.append(character)
            case "," where depth == 0:
                elements.append(current)
                current = ""
            default: current.append(character)
            }
        }
        guard depth == 0 else { throw .invalidPipeline("unbalanced '{' in '\(text)'") }
        elements.append(current)
        let trimmed = elements.map { $0.trimmingWhitespace() }
        if trimmed == [""] { return [] }
        if trimmed.contains("") { throw .invalidPipeline("empty pass name in '\(text)'") }
        return trimmed
    }

    static func parseElement(_ element: String) throws(PassError) -> (String, [String: String]) {
        guard let brace = element.firstIndex(of: "{") else { return (element, [:]) }
        guard element.hasSuffix("}") else { throw .invalidPipeline("'\(element)': options must end with '}'") }
        let name = String(element[..<brace]).trimmingWhitespace()
        let body = element[element.index(after: brace)..<element.index(before: element.endIndex)]
        var options: [String: String] = [:]
        for pair in body.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw .invalidPipeline("'\(pair)' in \(name): options are key=value") }
            let key = String(parts[0]).trimmingWhitespace()
            guard options[key] == nil else { throw .invalidPipeline("option '\(key)' given twice for \(name)") }
            options[key] = String(parts[1]).trimmingWhitespace()
        }
        return (name, options)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
