/// The scalar type of a tensor as declared by the model.
///
/// The reference interpreter computes in `Double` whatever the declared type;
/// the element type decides how constants print (shortest round-trip form of
/// a `Float` for `f32`) and what an exporter writes back.
public enum ElementType: String, Sendable, Hashable, CaseIterable, Codable {
    case f32
    case f64
    /// Integer indices, e.g. the result of `argmax`.
    case i64

    /// The shortest text that parses back to exactly `value` in this type.
    public func format(_ value: Double) -> String {
        switch self {
        case .f32: return Float(value).description
        case .f64: return value.description
        case .i64:
            if let exact = Int64(exactly: value) { return String(exact) }
            return value.description
        }
    }

    /// Rounds `value` to what this element type can hold.
    public func rounded(_ value: Double) -> Double {
        switch self {
        case .f32: return Double(Float(value))
        case .f64: return value
        case .i64: return value.rounded(.towardZero)
        }
    }
}
