public import Foundation

/// The one JSON encoding of every `--json` report: pretty, sorted,
/// snake_case keys (docs/cli.md lists them), non-finite numbers as strings.
public enum ReportEncoder {
    /// `value` as one JSON object.
    /// - Throws: `DriverError.internalError` if a report cannot be encoded (a bug).
    public static func json(_ value: some Encodable) throws(DriverError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .internalError("cannot encode the report: \(error)")
        }
    }

    /// The decoder for what ``json(_:)`` wrote (e.g. a bench report read by
    /// the cost model).
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
