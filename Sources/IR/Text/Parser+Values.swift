extension Parser {
    // MARK: Attributes

    /// An attribute dictionary if one starts here, otherwise `[:]`.
    mutating func parseOptionalAttributes() throws(IRError) -> Attributes {
        token.kind == .leftBrace ? try parseAttributes() : [:]
    }

    /// `'{' (key '=' value (',' key '=' value)*)? '}'`; a key is a word or a string.
    mutating func parseAttributes() throws(IRError) -> Attributes {
        try expect(.leftBrace)
        var attributes: Attributes = [:]
        if token.kind != .rightBrace {
            while true {
                let keyToken = token
                let key: String
                switch token.kind {
                case .word(let word): key = word
                case .string(let text): key = text
                default: throw unexpected("an attribute name")
                }
                guard attributes[key] == nil else {
                    throw error(at: keyToken, "duplicate attribute \(TextPrinting.printableKey(key))")
                }
                try advance()
                try expect(.equal, "after the attribute name")
                attributes[key] = try parseAttributeValue()
                guard token.kind == .comma else { break }
                try advance()
            }
        }
        guard token.kind == .rightBrace else { throw unexpected("',' or '}' in the attributes") }
        try advance()
        return attributes
    }

    /// An integer, float, string, `true`/`false`, or a list of numbers.
    /// `inf`, `-inf` and `nan` are accepted as floats.
    private mutating func parseAttributeValue() throws(IRError) -> AttributeValue {
        let value: AttributeValue
        switch token.kind {
        case .integer, .float, .word("inf"), .word("nan"):
            switch try number() {
            case .int(let integer): return .int(integer)
            case .float(let float): return .float(float)
            }
        case .leftBracket: return try parseList()
        case .word("true"): value = .bool(true)
        case .word("false"): value = .bool(false)
        case .string(let text): value = .string(text)
        default: throw unexpected("an attribute value (a number, string, true, false or a list)")
        }
        try advance()
        return value
    }

    /// `'[' (number (',' number)*)? ']'`: an int list unless a float appears.
    private mutating func parseList() throws(IRError) -> AttributeValue {
        try expect(.leftBracket)
        var integers: [Int] = []
        var floats: [Double] = []
        var hasFloat = false
        if token.kind != .rightBracket {
            while true {
                switch token.kind {
                case .integer, .float, .word("inf"), .word("nan"): break
                default: throw unexpected("a number in the list")
                }
                switch try number() {
                case .int(let integer):
                    integers.append(integer)
                    floats.append(Double(integer))
                case .float(let float):
                    hasFloat = true
                    floats.append(float)
                }
                guard token.kind == .comma else { break }
                try advance()
            }
        }
        guard token.kind == .rightBracket else { throw unexpected("',' or ']' in the list") }
        try advance()
        return hasFloat ? .floats(floats) : .ints(integers)
    }

    private enum Number { case int(Int), float(Double) }

    /// Consumes a numeric token (or `inf`/`nan`) of an attribute.
    private mutating func number() throws(IRError) -> Number {
        let result: Number
        switch token.kind {
        case .integer(let text):
            guard let integer = Int(text) else {
                throw error("integer \(text) is out of range (\(Int.min) to \(Int.max))")
            }
            result = .int(integer)
        case .float(let text):
            guard let float = Double(text) else { throw error("malformed number '\(text)'") }
            // Only an explicit `-inf`/`-nan` may be non-finite; `1e999` is a mistake.
            if !float.isFinite, text.utf8.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                throw error("float \(text) is out of range")
            }
            result = .float(float)
        case .word("inf"): result = .float(.infinity)
        case .word("nan"): result = .float(.nan)
        default: throw unexpected("a number")
        }
        try advance()
        return result
    }

    // MARK: Dense literals

    /// `'dense' '<' '[' (number (',' number)*)? ']' '>'`, with the cursor on
    /// `dense`: the flat row-major values of constant `name`.
    mutating func parseDense(constant name: String, type: TensorType, typeToken: Token) throws(IRError) -> Tensor {
        let denseToken = token
        let constant = "@" + Identifier.printable(name)
        guard let shape = type.staticShape, let expected = type.elementCount else {
            throw error(at: typeToken, "constant \(constant) has a dense value, so its type must have static dimensions; got \(type)")
        }
        try advance()
        try expect(.less, "after 'dense'")
        try expect(.leftBracket, "to open the dense literal")
        var scalars: [Double] = []
        scalars.reserveCapacity(min(expected, 1 << 20))
        if token.kind != .rightBracket {
            while true {
                scalars.append(try denseScalar(constant: constant, type.elementType))
                guard token.kind == .comma else { break }
                try advance()
            }
        }
        guard token.kind == .rightBracket else { throw unexpected("',' or ']' in the dense literal of \(constant)") }
        try advance()
        try expect(.greater, "to close the dense literal")
        guard scalars.count == expected else {
            throw error(at: denseToken, "dense literal of \(constant) has \(scalars.count) value\(scalars.count == 1 ? "" : "s"), expected \(expected) from its type \(type)")
        }
        return Tensor(shape: shape, scalars: scalars, elementType: type.elementType)
    }

    /// One finite value of a dense literal, read in the precision of `elementType`.
    private mutating func denseScalar(constant: String, _ elementType: ElementType) throws(IRError) -> Double {
        let text: String
        switch token.kind {
        case .integer(let written), .float(let written): text = written
        case .word(let word) where word == "inf" || word == "nan":
            throw error("constant \(constant): weights must be finite, found \(word)")
        default:
            throw unexpected("a number in the dense literal of \(constant)")
        }
        let value: Double?
        switch elementType {
        case .f32: value = Float(text).map(Double.init)
        case .f64, .i64: value = Double(text)
        }
        guard let value else { throw error("malformed number '\(text)'") }
        guard value.isFinite else {
            let isLiteral = text.utf8.contains { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            throw error("constant \(constant): weights must be finite, found \(text)"
                        + (isLiteral ? " (out of range for \(elementType.rawValue))" : ""))
        }
        try advance()
        return value
    }
}
