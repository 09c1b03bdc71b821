import OrderedCollections

extension Parser {
    /// `file := header model constant* graph`
    mutating func parseFile() throws(IRError) -> Graph {
        try parseHeader()

        try expectWord("model", "after the header")
        let (name, _) = try expectSymbolName("after 'model'")
        var graph = Graph(name: name)
        graph.metadata = try parseOptionalAttributes()

        var constantTokens: [String: Token] = [:]
        while isWord("const") {
            try advance()
            let (constantName, nameToken) = try expectSymbolName("after 'const'")
            if let first = constantTokens[constantName] {
                throw error(at: nameToken, "duplicate constant @\(Identifier.printable(constantName)) (first defined at \(first.position))")
            }
            constantTokens[constantName] = nameToken
            graph.constants[constantName] = try parseConstantBody(name: constantName)
        }

        guard isWord("graph") else { throw unexpected("'const' or 'graph'") }
        try advance()
        try parseGraphBody(into: &graph)

        guard token.kind == .endOfFile else { throw unexpected("end of file after the graph") }
        return graph
    }

    /// `header := 'hepir' INTEGER`, where the integer is the supported version.
    private mutating func parseHeader() throws(IRError) {
        guard isWord("hepir") else {
            throw unexpected("the header 'hepir \(Graph.textFormatVersion)'")
        }
        try advance()
        let supported = "this parser reads hepir version \(Graph.textFormatVersion)"
        switch token.kind {
        case .integer(let text):
            guard Int(text) == Graph.textFormatVersion else {
                throw error("unsupported hepir version \(text); \(supported)")
            }
            try advance()
        case .float(let text):
            throw error("unsupported hepir version \(text); \(supported)")
        default:
            throw unexpected("a format version after 'hepir'")
        }
    }

    /// `':' type attributes? '=' ('elided' | dense)` after `const @name`.
    private mutating func parseConstantBody(name: String) throws(IRError) -> Constant {
        try expect(.colon, "after the constant name")
        let typeToken = token
        let type = try expectType("for the constant")
        let attributes = try parseOptionalAttributes()
        try expect(.equal, "before the constant's value")
        if isWord("elided") {
            try advance()
            return Constant(type: type, value: nil, attributes: attributes)
        }
        guard isWord("dense") else { throw unexpected("'dense<[…]>' or 'elided'") }
        let value = try parseDense(constant: name, type: type, typeToken: typeToken)
        return Constant(type: type, value: value, attributes: attributes)
    }

    /// `'(' inputs ')' '->' '(' types ')' '{' operation* return '}'` after `graph`.
    private mutating func parseGraphBody(into graph: inout Graph) throws(IRError) {
        var values: [String: (type: TensorType, token: Token)] = [:]

        try expect(.leftParen, "after 'graph'")
        if token.kind != .rightParen {
            while true {
                let (name, nameToken) = try expectValueName("for a graph input")
                if let first = values[name] {
                    throw error(at: nameToken, "duplicate input %\(Identifier.printable(name)) (first defined at \(first.token.position))")
                }
                try expect(.colon, "after the input name")
                let type = try expectType("for the input")
                values[name] = (type, nameToken)
                graph.inputs.append(GraphInput(name: name, type: type))
                guard token.kind == .comma else { break }
                try advance()
            }
        }
        try expect(.rightParen, "after the graph inputs")
        try expect(.arrow, "after the graph inputs")
        try expect(.leftParen, "before the result types")
        var resultTypes: [TensorType] = []
        if token.kind != .rightParen {
            while true {
                resultTypes.append(try expectType("for a graph result"))
                guard token.kind == .comma else { break }
                try advance()
            }
        }
        try expect(.rightParen, "after the result types")
        try expect(.leftBrace, "to open the graph body")

        while case .valueName = token.kind {
            let (operation, resultToken) = try parseOperation(defined: values)
            values[operation.result] = (operation.type, resultToken)
            graph.operations.append(operation)
        }
        let returnToken = token
        guard isWord("return") else { throw unexpected("an operation (%name = …) or 'return'") }
        try advance()

        var returned: [(name: String, token: Token)] = []
        if case .valueName = token.kind {
            while true {
                let (name, nameToken) = try expectValueName("in return")
                returned.append((name, nameToken))
                guard token.kind == .comma else { break }
                try advance()
            }
        }
        try expect(.rightBrace, "to close the graph body")

        guard returned.count == resultTypes.count else {
            throw error(at: returnToken, "the graph signature declares \(resultTypes.count) result(s) but return lists \(returned.count)")
        }
        for (index, output) in returned.enumerated() {
            guard let defined = values[output.name] else {
                throw error(at: output.token, "undefined value %\(Identifier.printable(output.name)) in return")
            }
            guard defined.type == resultTypes[index] else {
                throw error(at: output.token, "%\(Identifier.printable(output.name)) has type \(defined.type) but the graph signature declares \(resultTypes[index]) for result \(index)")
            }
            graph.outputs.append(output.name)
        }
    }

    /// `VALUE '=' KIND '(' operands ')' attributes? ':' type`.
    private mutating func parseOperation(defined values: [String: (type: TensorType, token: Token)]) throws(IRError) -> (Operation, Token) {
        let (result, resultToken) = try expectValueName("for the result")
        if let first = values[result] {
            throw error(at: resultToken, "duplicate value %\(Identifier.printable(result)) (first defined at \(first.token.position))")
        }
        try expect(.equal, "after the result name")
        guard case .word(let spelled) = token.kind else { throw unexpected("an operation kind") }
        guard let kind = OpKind(rawValue: spelled) else {
            let known = OpKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("unknown operation kind '\(spelled)'; known kinds: \(known)")
        }
        try advance()
        try expect(.leftParen, "after the operation kind")
        var operands: [Operand] = []
        if token.kind != .rightParen {
            while true {
                switch token.kind {
                case .valueName(let name): operands.append(.value(name))
                case .symbolName(let name): operands.append(.constant(name))
                default: throw unexpected("an operand (%value or @constant)")
                }
                try advance()
                guard token.kind == .comma else { break }
                try advance()
            }
        }
        try expect(.rightParen, "after the operands")
        let attributes = try parseOptionalAttributes()
        try expect(.colon, "before the result type")
        let type = try expectType("for the result")
        return (Operation(result: result, kind: kind, operands: operands, attributes: attributes, type: type), resultToken)
    }
}

extension Graph {
    /// Parses a graph from the textual IR written by ``printed(_:)``
    /// (`docs/ir.md`).
    ///
    /// Operations are typed from their printed types; the graph is not
    /// verified (call ``verify()``). Constants written `elided` come back with
    /// a `nil` value.
    ///
    /// - Parameters:
    ///   - text: the whole file, starting with the `hepir 1` header.
    ///   - file: the name used in error locations.
    /// - Throws: `IRError.parse` with the `file:line:column` of the first
    ///   problem: a malformed or unexpected token, an unsupported version, an
    ///   unknown operation kind or element type, a bad dimension, a dense
    ///   literal whose length does not match its type or holds a non-finite
    ///   value, a duplicate name, or an undefined or mistyped returned value.
    public init(parsing text: String, file: String = "<input>") throws(IRError) {
        var parser = try Parser(text, file: file)
        self = try parser.parseFile()
    }
}
