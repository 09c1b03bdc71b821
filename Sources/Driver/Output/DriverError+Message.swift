extension DriverError {
    /// The error as one line of at most about `limit` characters. Long lists
    /// (`a; b; c; …`) keep their first items and say how many were left out,
    /// so a model with hundreds of problems still gets a readable line.
    public func userMessage(limit: Int = 480) -> String {
        Self.summarize(TerminalText.sanitized(description.split(whereSeparator: \.isNewline).joined(separator: " "), keepLines: false),
                       limit: limit)
    }

    /// `line` (already one line) cut to about `limit` characters.
    static func summarize(_ line: String, limit: Int) -> String {
        guard line.count > limit else { return line }
        let items = line.components(separatedBy: "; ")
        if items.count > 1 {
            var kept: [String] = []
            var length = 0
            for item in items {
                if !kept.isEmpty && length + item.count + 2 > limit { break }
                kept.append(item)
                length += item.count + 2
            }
            let left = items.count - kept.count
            if left > 0 {
                let joined = kept.joined(separator: "; ")
                let head = joined.count > limit ? String(joined.prefix(limit)) + "…" : joined
                return head + "; … and \(left) more"
            }
        }
        return String(line.prefix(limit)) + "… (\(line.count - limit) more characters)"
    }
}
