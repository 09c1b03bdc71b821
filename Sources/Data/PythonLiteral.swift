/// A Python literal as found in a `.npy` header: the subset NumPy writes
/// (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`) plus
/// lists and `None`, which appear in structured-dtype descriptors.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dictionary([(key: PythonLiteral, value: PythonLiteral)])

    static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.boolean(a), .boolean(b)): return a == b
        case (.none, .none): return true
        case let (.tuple(a), .tuple(b)), let (.list(a), .list(b)): return a == b
        case let (.dictionary(a), .dictionary(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Python-like source text, used when naming an unsupported descriptor.
    var sourceText: String {
        switch self {
        case let .string(text): return "'\(text)'"
        case let .integer(value): return String(value)
        case let .boolean(value): return value ? "True" : "False"
        case .none: return "None"
        case let .tuple(items):
            let inner = items.map(\.sourceText).joined(separator: ", ")
            return items.count == 1 ? "(\(inner),)" : "(\(inner))"
        case let .list(items): return "[" + items.map(\.sourceText).joined(separator: ", ") + "]"
        case let .dictionary(pairs):
            return "{" + pairs.map { "\($0.key.sourceText): \($0.value.sourceText)" }.joined(separator: ", ") + "}"
        }
    }

    /// Parses one literal that spans all of `text` (surrounding whitespace allowed).
    ///
    /// - Throws: ``PythonLiteralParser/Failure`` describing the first problem.
    static func parse(_ text: String) throws -> PythonLiteral {
        var parser = PythonLiteralParser(text)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.isAtEnd else { throw PythonLiteralParser.Failure("unexpected text after the literal") }
        return value
    }
}

/// A recursive-descent parser over the UTF-8 bytes of a header.
struct PythonLiteralParser {
    /// Why parsing stopped.
    struct Failure: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private let bytes: [UInt8]
    private var position = 0
    private static let maximumDepth = 32

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) {
            position += 1
        }
    }

    mutating func parseValue(depth: Int) throws -> PythonLiteral {
        guard depth < PythonLiteralParser.maximumDepth else { throw Failure("literal nested too deeply") }
        skipWhitespace()
        guard position < bytes.count else { throw Failure("unexpected end of header") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var pairs: [(key: PythonLiteral, value: PythonLiteral)] = []
            while true {
                skipWhitespace()
                if try consume("}") { break }
                let key = try parseValue(depth: depth + 1)
                skipWhitespace()
                guard try consume(":") else { throw Failure("expected ':' after dictionary key \(key.sourceText)") }
                let value = try parseValue(depth: depth + 1)
                // Python keeps the last of two equal keys; another reader may
                // keep the first. A header that means two things is refused.
                guard !pairs.contains(where: { $0.0 == key }) else { throw Failure("dictionary key \(key.sourceText) appears twice") }
                pairs.append((key, value))
                skipWhitespace()
                if try consume(",") { continue }
                guard try consume("}") else { throw Failure("expected ',' or '}' in dictionary") }
                break
            }
            return .dictionary(pairs)
        case UInt8(ascii: "("):
            position += 1
            return .tuple(try parseSequence(closing: ")", depth: depth))
        case UInt8(ascii: "["):
            position += 1
            return .list(try parseSequence(closing: "]", depth: depth))
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        default:
            let word = parseWord()
            switch word {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            case "": throw Failure("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
            default: throw Failure("unexpected name '\(word)'")
            }
        }
    }

    private mutating func consume(_ character: Unicode.Scalar) throws -> Bool {
        guard position < bytes.count else { throw Failure("unexpected end of header") }
        if bytes[position] == UInt8(ascii: character) {
            position += 1
            return true
        }
        return false
    }

    private mutating func parseSequence(closing: Unicode.Scalar, depth: Int) throws -> [PythonLiteral] {
        var items: [PythonLiteral] = []
        while true {
            skipWhitespace()
            if try consume(closing) { return items }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if try consume(",") { continue }
            guard try consume(closing) else { throw Failure("expected ',' or '\(closing)'") }
            return items
        }
    }

    private mutating func parseString() throws -> String {
        let quote = bytes[position]
        position += 1
        var content: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == quote { return String(decoding: content, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard position < bytes.count else { break }
                content.append(bytes[position])
                position += 1
            } else {
                content.append(byte)
            }
        }
        throw Failure("unterminated string")
    }

    private mutating func parseInteger() throws -> Int {
        var digits = ""
        if bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            digits.append(Character(Unicode.Scalar(bytes[position])))
            position += 1
        }
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            digits.append(Character(Unicode.Scalar(bytes[position])))
            position += 1
        }
        // Python 2 wrote long integers with an `L` suffix: (3L, 4L).
        if position < bytes.count, bytes[position] == UInt8(ascii: "L") || bytes[position] == UInt8(ascii: "l") {
            position += 1
        }
        guard let value = Int(digits) else { throw Failure("invalid or too large integer '\(digits)'") }
        return value
    }

    private mutating func parseWord() -> String {
        var word = ""
        while position < bytes.count {
            let byte = bytes[position]
            let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "_")
            guard isLetter else { break }
            word.append(Character(Unicode.Scalar(byte)))
            position += 1
        }
        return word
    }
}
