/// One token of the textual IR, with the position of its first character.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        /// A bare word: a keyword, an operation kind or an attribute key.
        case word(String)
        /// `%name`
        case valueName(String)
        /// `@name`
        case symbolName(String)
        /// `"text"`, escapes resolved.
        case string(String)
        /// An integer literal, as written (`-3`).
        case integer(String)
        /// A float literal, as written (`1.5`, `1e-05`, `-inf`).
        case float(String)
        /// `tensor<…>`, read whole by the lexer.
        case tensorType(TensorType)
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
        case less, greater, comma, colon, equal, arrow
        case endOfFile
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// How an error message names the token: `'dense'`, `'%x'`, `number 3`, `end of file`.
    var summary: String {
        switch kind {
        case .word(let word): return "'\(word)'"
        case .valueName(let name): return "'%\(Identifier.printable(name))'"
        case .symbolName(let name): return "'@\(Identifier.printable(name))'"
        case .string(let text): return "string \(AttributeValue.quoted(Token.clipped(text)))"
        case .integer(let text), .float(let text): return "number \(text)"
        case .tensorType(let type): return "type \(type)"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .less: return "'<'"
        case .greater: return "'>'"
        case .comma: return "','"
        case .colon: return "':'"
        case .equal: return "'='"
        case .arrow: return "'->'"
        case .endOfFile: return "end of file"
        }
    }

    private static func clipped(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}

/// Splits textual IR into tokens on demand.
///
/// Works on the UTF-8 bytes of the text. Columns count Unicode scalars, so a
/// column reported for a line with non-ASCII names matches what an editor
/// shows. Whitespace, newlines and `//` comments separate tokens and are
/// otherwise ignored.
struct Lexer {
    private let bytes: [UInt8]
    private let file: String
    private var offset = 0
    private var line = 1
    private var column = 1

    init(_ text: String, file: String) {
        self.bytes = Array(text.utf8)
        self.file = file
    }

    /// An error at a position of the text.
    func error(line: Int, column: Int, _ message: String) -> IRError {
        .parse(SourceLocation(file: file, line: line, column: column), message)
    }

    // MARK: Characters

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private func peek(_ distance: Int) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    /// Moves past one byte, keeping line and column (in scalars) up to date.
    private mutating func step() {
        guard offset < bytes.count else { return }
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// The scalar starting at the current byte, for error messages.
    private var currentScalarText: String {
        guard let first = current else { return "end of file" }
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        if first < 0x20 || first == 0x7F { return AttributeValue.quoted(text) }
        return "'\(text)'"
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isWordStart(_ byte: UInt8) -> Bool { isLetter(byte) || byte == UInt8(ascii: "_") }

    /// `[A-Za-z0-9_.$-]`, the characters of a bare name (see ``Identifier``).
    private static func isBare(_ byte: UInt8) -> Bool {
        byte < 0x80 && Identifier.isBareCharacter(Unicode.Scalar(byte))
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    // MARK: Tokens

    /// Reads the next token; `.endOfFile` once the text is exhausted.
    mutating func next() throws(IRError) -> Token {
        skipTrivia()
        let startLine = line, startColumn = column
        func token(_ kind: Token.Kind) -> Token { Token(kind: kind, line: startLine, column: startColumn) }
        guard let byte = current else { return token(.endOfFile) }

        switch byte {
        case UInt8(ascii: "("): step(); return token(.leftParen)
        case UInt8(ascii: ")"): step(); return token(.rightParen)
        case UInt8(ascii: "{"): step(); return token(.leftBrace)
        case UInt8(ascii: "}"): step(); return token(.rightBrace)
        case UInt8(ascii: "["): step(); return token(.leftBracket)
        case UInt8(ascii: "]"): step(); return token(.rightBracket)
        case UInt8(ascii: "<"): step(); return token(.less)
        case UInt8(ascii: ">"): step(); return token(.greater)
        case UInt8(ascii: ","): step(); return token(.comma)
        case UInt8(ascii: ":"): step(); return token(.colon)
        case UInt8(ascii: "="): step(); return token(.equal)
        case UInt8(ascii: "\""): return token(.string(try quotedString()))
        case UInt8(ascii: "%"), UInt8(ascii: "@"):
            step()
            let name = try sigilName(sigil: byte == UInt8(ascii: "%") ? "%" : "@")
            return token(byte == UInt8(ascii: "%") ? .valueName(name) : .symbolName(name))
        case UInt8(ascii: "-") where peek(1) == UInt8(ascii: ">"):
            step(); step()
            return token(.arrow)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return token(try number())
        default:
            guard Lexer.isWordStart(byte) else {
                throw error(line: startLine, column: startColumn, "unexpected character \(currentScalarText)")
            }
            let start = offset
            while let next = current, Lexer.isBare(next) { step() }
            let word = text(start..<offset)
            if word == "tensor", current == UInt8(ascii: "<") {
                return token(.tensorType(try tensorTypeBody()))
            }
            return token(.word(word))
        }
    }

    /// Skips spaces, tabs, carriage returns, newlines and `//` comments.
    private mutating func skipTrivia() {
        while let byte = current {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                step()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                while let next = current, next != UInt8(ascii: "\n") { step() }
            default:
                return
            }
        }
    }

    /// The name after `%` or `@`: bare characters or a quoted string.
    private mutating func sigilName(sigil: String) throws(IRError) -> String {
        if current == UInt8(ascii: "\"") { return try quotedString() }
        let start = offset
        while let byte = current, Lexer.isBare(byte) { step() }
        guard offset > start else {
            throw error(line: line, column: column, "expected a name after '\(sigil)', found \(currentScalarText)")
        }
        return text(start..<offset)
    }

    /// A number: `-`? digits (`.` digits)? ([eE] [+-]? digits)?, or `-inf`/`-nan`.
    private mutating func number() throws(IRError) -> Token.Kind {
        let startLine = line, startColumn = column
        let start = offset
        if current == UInt8(ascii: "-") {
            step()
            if let byte = current, Lexer.isLetter(byte) {
                while let next = current, Lexer.isBare(next) { step() }
                let word = text(start..<offset)
                guard word == "-inf" || word == "-nan" else {
                    throw error(line: startLine, column: startColumn, "malformed number '\(word)'")
                }
                return .float(word)
            }
        }
        var isFloat = false
        var digits = 0
        while let byte = current, Lexer.isDigit(byte) { step(); digits += 1 }
        if current == UInt8(ascii: "."), let next = peek(1), Lexer.isDigit(next) {
            isFloat = true
            step()
            while let byte = current, Lexer.isDigit(byte) { step() }
        }
        if digits > 0, current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            let sign = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
            if let next = peek(sign ? 2 : 1), Lexer.isDigit(next) {
                isFloat = true
                step()
                if sign { step() }
                while let byte = current, Lexer.isDigit(byte) { step() }
            }
        }
        if digits == 0 || (current.map(Lexer.isBare) ?? false) {
            // Take the rest of the would-be literal so that the message shows it.
            while let byte = current, Lexer.isBare(byte) { step() }
            let written = text(start..<offset)
            if written == "-" {
                throw error(line: startLine, column: startColumn, "unexpected character '-'")
            }
            throw error(line: startLine, column: startColumn, "malformed number '\(written)'")
        }
        let written = text(start..<offset)
        return isFloat ? .float(written) : .integer(written)
    }

    /// A `"…"` string with `\"`, `\\`, `\n`, `\t` and `\u{hex}` escapes.
    private mutating func quotedString() throws(IRError) -> String {
        let startLine = line, startColumn = column
        step()  // the opening quote
        var buffer: [UInt8] = []
        while true {
            guard let byte = current, byte != UInt8(ascii: "\n") else {
                throw error(line: startLine, column: startColumn, "unterminated string")
            }
            switch byte {
            case UInt8(ascii: "\""):
                step()
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                let escapeLine = line, escapeColumn = column
                step()
                switch current {
                case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\"")); step()
                case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); step()
                case UInt8(ascii: "n"): buffer.append(UInt8(ascii: "\n")); step()
                case UInt8(ascii: "t"): buffer.append(UInt8(ascii: "\t")); step()
                case UInt8(ascii: "u"):
                    step()
                    let scalar = try unicodeEscape(line: escapeLine, column: escapeColumn)
                    buffer.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    throw error(line: escapeLine, column: escapeColumn,
                                "unknown escape sequence in string (expected \\\", \\\\, \\n, \\t or \\u{…})")
                }
            default:
                buffer.append(byte)
                step()
            }
        }
    }

    /// The `{hex}` part of a `\u{hex}` escape.
    private mutating func unicodeEscape(line escapeLine: Int, column escapeColumn: Int) throws(IRError) -> Unicode.Scalar {
        let invalid = error(line: escapeLine, column: escapeColumn,
                            "invalid \\u{…} escape (expected 1 to 8 hex digits naming a Unicode scalar)")
        guard current == UInt8(ascii: "{") else { throw invalid }
        step()
        var value: UInt32 = 0
        var digits = 0
        while let byte = current, byte != UInt8(ascii: "}") {
            guard let digit = Lexer.hexValue(byte), digits < 8 else { throw invalid }
            value = value << 4 | UInt32(digit)
            digits += 1
            step()
        }
        guard current == UInt8(ascii: "}"), digits > 0, let scalar = Unicode.Scalar(value) else { throw invalid }
        step()
        return scalar
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The `<dims x element>` part of `tensor<…>`, with the lexer on the `<`.
    ///
    /// Dimensions are non-negative integers or `?`, separated by `x`, and the
    /// last part is the element type: `tensor<?x64xf32>`, `tensor<f32>`.
    private mutating func tensorTypeBody() throws(IRError) -> TensorType {
        step()  // <
        var dimensions: [Int?] = []
        var elementCount = 1
        while true {
            let partLine = line, partColumn = column
            let start = offset
            while let byte = current, byte != UInt8(ascii: "x"), Lexer.isBare(byte) || byte == UInt8(ascii: "?") { step() }
            let part = text(start..<offset)
            guard !part.isEmpty else {
                throw error(line: line, column: column,
                            "expected a dimension or an element type in tensor type, found \(currentScalarText)")
            }
            if current == UInt8(ascii: ">") {
                guard let elementType = ElementType(rawValue: part) else {
                    let known = ElementType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw error(line: partLine, column: partColumn,
                                "unknown element type '\(part)' (expected one of \(known))")
                }
                step()
                return TensorType(dimensions, elementType)
            }
            guard current == UInt8(ascii: "x") else {
                throw error(line: line, column: column, "expected 'x' or '>' in tensor type, found \(currentScalarText)")
            }
            if part == "?" {
                dimensions.append(nil)
            } else {
                guard part.utf8.allSatisfy(Lexer.isDigit) else {
                    throw error(line: partLine, column: partColumn,
                                "bad dimension '\(part)' (expected a non-negative integer or '?')")
                }
                guard let size = Int(part) else {
                    throw error(line: partLine, column: partColumn, "dimension \(part) is too large")
                }
                // Zero dimensions count as 1 so that no partial product of the
                // known dimensions (elements per item, …) can overflow later.
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: max(size, 1))
                guard !overflow else {
                    throw error(line: partLine, column: partColumn,
                                "dimension \(part) makes the tensor too large (more than \(Int.max) elements)")
                }
                elementCount = product
                dimensions.append(size)
            }
            step()  // x
        }
    }
}
