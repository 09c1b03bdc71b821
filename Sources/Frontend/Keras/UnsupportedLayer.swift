/// A Keras layer the importer cannot map onto the IR: an unknown or custom
/// class (Lambda, user subclasses) or a known class with settings the IR does
/// not support (dilation, an activation without an IR counterpart, …).
public struct UnsupportedLayer: Sendable, Equatable, CustomStringConvertible {
    /// The layer's name in the model config.
    public var name: String
    /// The Keras class (`Lambda`, `Conv2D`, a custom class name).
    public var className: String
    /// Why it is refused, when the class itself is known.
    public var reason: String?

    public init(name: String, className: String, reason: String? = nil) {
        self.name = name
        self.className = className
        self.reason = reason
    }

    public var description: String {
        "\(className) layer '\(name)'" + (reason.map { ": \($0)" } ?? "")
    }
}
