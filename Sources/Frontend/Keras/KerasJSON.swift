internal import Foundation

/// A parsed JSON value from a Keras model config (`model.to_json()`, the
/// `model_config` attribute, or `config.json` in a `.keras` archive).
enum KerasJSON: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([KerasJSON])
    case object([String: KerasJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([KerasJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: KerasJSON].self)) }
    }

    /// Parses `data` as JSON.
    /// - Throws: ``FrontendError/malformed(path:reason:)`` naming `source`.
    static func parse(_ data: Data, source: String) throws(FrontendError) -> KerasJSON {
        do {
            return try JSONDecoder().decode(KerasJSON.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw .malformed(path: source, reason: "invalid JSON model config" + (detail.map { " (\($0))" } ?? ""))
        } catch {
            throw .malformed(path: source, reason: "invalid JSON model config")
        }
    }

    subscript(key: String) -> KerasJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? { if case .string(let value) = self { return value }; return nil }
    var bool: Bool? { if case .bool(let value) = self { return value }; return nil }
    var array: [KerasJSON]? { if case .array(let value) = self { return value }; return nil }
    var isNull: Bool { self == .null }

    /// An integral number.
    var int: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 1e15 else { return nil }
        return Int(value)
    }

    var double: Double? { if case .number(let value) = self { return value }; return nil }

    /// A list of integers, or a single integer repeated `count` times (Keras
    /// accepts `kernel_size = 3` for `(3, 3)`).
    func ints(count: Int) -> [Int]? {
        if let single = int { return Array(repeating: single, count: count) }
        guard let items = array?.compactMap(\.int), items.count == array?.count else { return nil }
        return items
    }

    /// A shape with `null` for unknown dimensions.
    var shape: [Int?]? {
        guard let items = array else { return nil }
        var dims: [Int?] = []
        for item in items {
            if item.isNull { dims.append(nil) } else if let size = item.int { dims.append(size) } else { return nil }
        }
        return dims
    }
}
