/// A recursive-descent parser for the textual IR (`docs/ir.md`), one token of
/// lookahead over ``Lexer``.
///
/// The parser builds exactly what the text says: each operation is typed from
/// its printed type and nothing is verified beyond what is needed to build a
/// ``Graph`` (unique names, a known operation kind, dense literals that fill
/// their type). ``Graph/verify()`` checks the rest.
struct Parser {
    var lexer: Lexer
    /// The token under the cursor.
    var token: Token

    init(_ text: String, file: String) throws(IRError) {
        lexer = Lexer(text, file: file)
        token = try lexer.next()
    }

    // MARK: Cursor

    mutating func advance() throws(IRError) {
        token = try lexer.next()
    }

    /// An error at `token` (the current one by default).
    func error(at token: Token? = nil, _ message: String) -> IRError {
        let at = token ?? self.token
        return lexer.error(line: at.line, column: at.column, message)
    }

    /// "expected …, found …" at the current token.
    func unexpected(_ expected: String) -> IRError {
        error("expected \(expected), found \(token.summary)")
    }

    /// Consumes a punctuation token of `kind`.
    ///
    /// - Parameter context: appended to the message, e.g. "after the constant name".
    mutating func expect(_ kind: Token.Kind, _ context: String = "") throws(IRError) {
        guard token.kind == kind else {
            let spelled = Token(kind: kind, line: 0, column: 0).summary
            throw unexpected(context.isEmpty ? spelled : "\(spelled) \(context)")
        }
        try advance()
    }

    /// Whether the current token is the bare word `word`.
    func isWord(_ word: String) -> Bool {
        if case .word(let found) = token.kind { return found == word }
        return false
    }

    /// Consumes the keyword `word`.
    mutating func expectWord(_ word: String, _ context: String = "") throws(IRError) {
        guard isWord(word) else {
            throw unexpected(context.isEmpty ? "'\(word)'" : "'\(word)' \(context)")
        }
        try advance()
    }

    /// Consumes `%name` and returns the name and its token.
    mutating func expectValueName(_ context: String) throws(IRError) -> (String, Token) {
        guard case .valueName(let name) = token.kind else { throw unexpected("a value name (%name) \(context)") }
        let at = token
        try advance()
        return (name, at)
    }

    /// Consumes `@name` and returns the name and its token.
    mutating func expectSymbolName(_ context: String) throws(IRError) -> (String, Token) {
        guard case .symbolName(let name) = token.kind else { throw unexpected("a symbol name (@name) \(context)") }
        let at = token
        try advance()
        return (name, at)
    }

    /// Consumes `tensor<…>`.
    mutating func expectType(_ context: String) throws(IRError) -> TensorType {
        guard case .tensorType(let type) = token.kind else {
            if isWord("tensor") { throw error("expected a tensor type \(context); write tensor<…> without spaces") }
            throw unexpected("a tensor type \(context)")
        }
        try advance()
        return type
    }
}

extension Token {
    /// `line:column`, for "first defined at" notes.
    var position: String { "\(line):\(column)" }
}
