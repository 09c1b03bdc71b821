/// Text that reaches a terminal: control characters taken from files (a
/// model or layer name holding an escape sequence, a NUL, a carriage
/// return) are shown escaped, so a crafted file cannot rewrite the screen or
/// hide part of a message.
public enum TerminalText {
    /// `text` with every control character except newlines and tabs (when
    /// `keepLines`) written as an escape such as `\u{1B}`.
    public static func sanitized(_ text: String, keepLines: Bool = true) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let isLayout = keepLines && (scalar == "\n" || scalar == "\t")
            if scalar.properties.generalCategory == .control && !isLayout {
                result.append(contentsOf: scalar.escaped(asASCII: true).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
