/// How ``Graph/printed(_:)`` writes the values of constants.
public enum WeightPrinting: Sendable, Hashable {
    /// Every constant that has a value prints it as `dense<[…]>`.
    case all
    /// Constants with more than `above` elements print as `elided`.
    case elided(above: Int)
}

/// Options for ``Graph/printed(_:)``.
public struct PrintOptions: Sendable, Hashable {
    /// Which constant values are written out; by default constants with more
    /// than 16 elements are elided.
    public var weights: WeightPrinting

    /// - Parameter weights: which constant values are written out.
    public init(weights: WeightPrinting = .elided(above: 16)) {
        self.weights = weights
    }

    /// Whether a constant holding `count` values prints `elided`.
    func elides(count: Int) -> Bool {
        switch weights {
        case .all: return false
        case .elided(let limit): return count > limit
        }
    }
}

extension Graph {
    /// The version of the textual format that ``printed(_:)`` writes and
    /// ``init(parsing:file:)`` reads (the `hepir 1` header line).
    public static let textFormatVersion = 1

    /// The graph in the textual IR (`docs/ir.md`).
    ///
    /// The output is deterministic: constants in `constants` order, attributes
    /// sorted by key, one operation per line, and a single trailing newline.
    /// It parses back with ``init(parsing:file:)``; with `.all` weights the
    /// result equals `self`, otherwise elided constants come back with a `nil`
    /// value.
    ///
    /// - Parameter options: how much of the constants' values to write.
    /// - Returns: the text, ending with `}` and a newline.
    public func printed(_ options: PrintOptions = .init()) -> String {
        var out = ""
        out.reserveCapacity(256 + 64 * (constants.count + operations.count) + printedValueBudget(options))
        out += "hepir \(Graph.textFormatVersion)\n"
        out += "model @" + Identifier.printable(name)
        TextPrinting.appendAttributes(metadata, to: &out, leadingSpace: true)
        out += "\n"

        if !constants.isEmpty {
            out += "\n"
            for (name, constant) in constants {
                TextPrinting.appendConstant(name: name, constant, options: options, to: &out)
                out += "\n"
            }
        }

        out += "\ngraph("
        for (index, input) in inputs.enumerated() {
            if index > 0 { out += ", " }
            out += "%" + Identifier.printable(input.name) + ": " + input.type.description
        }
        out += ") -> ("
        let types = valueTypes
        for (index, output) in outputs.enumerated() {
            if index > 0 { out += ", " }
            // An undefined output has no type; the marker is deliberately not
            // valid syntax so that such a graph never parses silently.
            out += types[output]?.description ?? "<undefined>"
        }
        out += ") {\n"
        for operation in operations {
            out += "  "
            TextPrinting.appendOperation(operation, to: &out)
            out += "\n"
        }
        out += "  return"
        for (index, output) in outputs.enumerated() {
            out += index == 0 ? " %" : ", %"
            out += Identifier.printable(output)
        }
        out += "\n}\n"
        return out
    }

    /// A rough size of the constant values that will be printed, so that the
    /// output buffer grows at most a few times.
    private func printedValueBudget(_ options: PrintOptions) -> Int {
        var count = 0
        for constant in constants.values {
            if let value = constant.value, !options.elides(count: value.count) { count += value.count }
        }
        return count * 12
    }
}

extension Operation {
    /// The operation as one line of textual IR, without indentation:
    /// `%r = kind(operands) {attributes} : type`.
    ///
    /// - Returns: the line, without a trailing newline.
    public func printed() -> String {
        var out = ""
        TextPrinting.appendOperation(self, to: &out)
        return out
    }
}

/// The pieces of the textual IR that the printer shares between lines.
enum TextPrinting {
    static func appendConstant(name: String, _ constant: Constant, options: PrintOptions, to out: inout String) {
        out += "const @" + Identifier.printable(name) + " : " + constant.type.description
        appendAttributes(constant.attributes, to: &out, leadingSpace: true)
        guard let value = constant.value, !options.elides(count: value.count) else {
            out += " = elided"
            return
        }
        out += " = dense<["
        let elementType = constant.type.elementType
        var first = true
        for scalar in value.scalars {
            if first { first = false } else { out += ", " }
            out += elementType.format(scalar)
        }
        out += "]>"
    }

    static func appendOperation(_ operation: Operation, to out: inout String) {
        out += "%" + Identifier.printable(operation.result) + " = " + operation.kind.rawValue + "("
        for (index, operand) in operation.operands.enumerated() {
            if index > 0 { out += ", " }
            out += operand.description
        }
        out += ")"
        appendAttributes(operation.attributes, to: &out, leadingSpace: true)
        out += " : " + operation.type.description
    }

    /// `{a = 1, b = [2, 3]}` sorted by key; nothing when `attributes` is empty.
    static func appendAttributes(_ attributes: Attributes, to out: inout String, leadingSpace: Bool) {
        guard !attributes.isEmpty else { return }
        if leadingSpace { out += " " }
        out += "{"
        for (index, entry) in attributes.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out += ", " }
            out += printableKey(entry.key) + " = " + entry.value.description
        }
        out += "}"
    }

    /// An attribute key prints bare when it reads as a word (a letter or `_`
    /// followed by identifier characters) and quoted otherwise.
    static func printableKey(_ key: String) -> String {
        isWord(key) ? key : AttributeValue.quoted(key)
    }

    static func isWord(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isWordStart(first) else { return false }
        return text.unicodeScalars.allSatisfy(Identifier.isBareCharacter)
    }

    static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "_": return true
        default: return false
        }
    }
}
