/// A tiny FileCheck: checks that a text contains a golden file's `CHECK` lines, in order.
///
/// Directives (one per line; other lines, e.g. `;` comments, are ignored):
/// - `CHECK: pattern` — the pattern occurs on a line after the previous match;
/// - `CHECK-NEXT: pattern` — on the line right after the previous match;
/// - `CHECK-SAME: pattern` — later on the same line as the previous match;
/// - `CHECK-NOT: pattern` — not between the previous match and the next one (or the end).
///
/// Patterns are literal substrings; as in LLVM FileCheck, runs of horizontal whitespace in
/// the pattern and the text compare as one space, so column padding does not matter.
public enum FileCheck {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        /// 1-based line of the directive in the golden file.
        public var checkLine: Int
        public var message: String
        public var description: String { "check line \(checkLine): \(message)" }
    }

    enum Kind: String, CaseIterable { case check = "CHECK:", next = "CHECK-NEXT:", same = "CHECK-SAME:", not = "CHECK-NOT:" }

    struct Directive { var kind: Kind; var pattern: String; var line: Int }

    static func canonical(_ text: some StringProtocol) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func directives(_ checks: String) -> [Directive] {
        checks.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, raw in
            let line = raw.drop { $0 == " " || $0 == "\t" }
            guard let kind = Kind.allCases.first(where: { line.hasPrefix($0.rawValue) }) else { return nil }
            return Directive(kind: kind, pattern: canonical(line.dropFirst(kind.rawValue.count)), line: index + 1)
        }
    }

    /// Checks `text` against the directives in `checks`; returns the failures (empty = pass).
    public static func run(_ checks: String, on text: String) -> [Failure] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(canonical)
        let all = directives(checks)
        guard !all.isEmpty else { return [Failure(checkLine: 0, message: "no CHECK lines")] }
        var failures: [Failure] = []
        // Position after the previous match: line index and column (character offset).
        var line = 0, column = 0, matchedAny = false
        var pendingNot: [Directive] = []

        func find(_ pattern: String, in index: Int, from start: Int) -> Int? {
            let text = lines[index]
            let offset = min(start, text.count)
            guard let range = text[text.index(text.startIndex, offsetBy: offset)...].range(of: pattern) else { return nil }
            return text.distance(from: text.startIndex, to: range.upperBound)
        }
        func checkNots(upTo endLine: Int, endColumn: Int?) {
            for directive in pendingNot {
                for index in line..<min(endLine + 1, lines.count) {
                    let start = index == line ? column : 0
                    if let end = find(directive.pattern, in: index, from: start),
                       index < endLine || endColumn.map({ end <= $0 }) ?? true {
                        failures.append(Failure(checkLine: directive.line,
                                                message: "'\(directive.pattern)' must not occur, found on text line \(index + 1): \(lines[index])"))
                        break
                    }
                }
            }
            pendingNot = []
        }

        for directive in all {
            switch directive.kind {
            case .not:
                pendingNot.append(directive)
            case .check:
                let startLine = matchedAny ? line + 1 : 0
                guard let index = (startLine..<lines.count).first(where: { find(directive.pattern, in: $0, from: 0) != nil }) else {
                    failures.append(Failure(checkLine: directive.line, message: "'\(directive.pattern)' not found"
                                            + (matchedAny ? " after text line \(line + 1): \(lines[line])" : "")))
                    return failures
                }
                let end = find(directive.pattern, in: index, from: 0)!
                checkNots(upTo: index, endColumn: end)
                (line, column, matchedAny) = (index, end, true)
            case .next, .same:
                guard matchedAny else {
                    failures.append(Failure(checkLine: directive.line, message: "\(directive.kind.rawValue) before any CHECK"))
                    return failures
                }
                let index = directive.kind == .next ? line + 1 : line
                let start = directive.kind == .next ? 0 : column
                guard index < lines.count, let end = find(directive.pattern, in: index, from: start) else {
                    let shown = index < lines.count ? lines[index] : "<end of text>"
                    failures.append(Failure(checkLine: directive.line, message: "'\(directive.pattern)' not on "
                                            + (directive.kind == .next ? "the next line" : "the same line") + ": \(shown)"))
                    return failures
                }
                checkNots(upTo: index, endColumn: end)
                (line, column) = (index, end)
            }
        }
        checkNots(upTo: lines.count - 1, endColumn: nil)
        return failures
    }
}
