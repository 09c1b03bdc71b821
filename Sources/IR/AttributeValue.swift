/// The value of an operation, constant or model attribute.
///
/// Printed forms: `3`, `0.5` (a float always shows a `.` or an exponent),
/// `[1, 2]`, `[0.0, 1.5]`, `"text"`, `true`. An empty list prints `[]` and
/// parses as `.ints([])`; `==` treats empty int and float lists as equal so
/// that parse(print(x)) == x holds.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case ints([Int])
    case floats([Double])
    case string(String)
    case bool(Bool)

    public static func == (lhs: AttributeValue, rhs: AttributeValue) -> Bool {
        switch (lhs, rhs) {
        case let (.int(a), .int(b)): return a == b
        case let (.float(a), .float(b)): return a.bitPattern == b.bitPattern || a == b
        case let (.ints(a), .ints(b)): return a == b
        case let (.floats(a), .floats(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || $0 == $1 }
        case let (.ints(a), .floats(b)), let (.floats(b), .ints(a)): return a.isEmpty && b.isEmpty
        case let (.string(a), .string(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .int(let v): hasher.combine(0); hasher.combine(v)
        case .float(let v): hasher.combine(1); hasher.combine(v)
        case .ints(let v): hasher.combine(v.isEmpty ? 2 : 3); hasher.combine(v)
        case .floats(let v): hasher.combine(v.isEmpty ? 2 : 4); hasher.combine(v)
        case .string(let v): hasher.combine(5); hasher.combine(v)
        case .bool(let v): hasher.combine(6); hasher.combine(v)
        }
    }

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .float(let value): return value.description
        case .ints(let values): return "[" + values.map(String.init).joined(separator: ", ") + "]"
        case .floats(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .string(let value): return AttributeValue.quoted(value)
        case .bool(let value): return value ? "true" : "false"
        }
    }

    public var intValue: Int? { if case .int(let v) = self { return v }; return nil }
    public var stringValue: String? { if case .string(let v) = self { return v }; return nil }
    public var boolValue: Bool? { if case .bool(let v) = self { return v }; return nil }
    /// An int list (an empty float list counts as an empty int list).
    public var intsValue: [Int]? {
        switch self {
        case .ints(let v): return v
        case .floats(let v) where v.isEmpty: return []
        default: return nil
        }
    }
    /// A float or int as `Double`.
    public var doubleValue: Double? {
        switch self {
        case .float(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }
    /// A float list; int lists convert.
    public var doublesValue: [Double]? {
        switch self {
        case .floats(let v): return v
        case .ints(let v): return v.map(Double.init)
        default: return nil
        }
    }

    /// `"..."` with `\"`, `\\`, `\n`, `\t` and `\u{..}` escapes for control characters.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Attributes by name; printing sorts them by key so the text is deterministic.
public typealias Attributes = [String: AttributeValue]
