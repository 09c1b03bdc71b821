/// What a command produces: a report the CLI prints as text, or with
/// `--json` through ``ReportEncoder``.
public protocol CommandOutcome: Encodable, Sendable {
    /// The human-readable report.
    var text: String { get }
}

extension CommandOutcome {
    /// The report as the user asked for it.
    public func rendered(json: Bool) throws(DriverError) -> String {
        json ? try ReportEncoder.json(self) : TerminalText.sanitized(text)
    }
}
