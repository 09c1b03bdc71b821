extension PruningOptions {
    /// A per-layer ratio schedule `name:ratio;name:ratio` (`prune`,
    /// `prune-tiles`); empty when `text` is `nil`.
    /// - Throws: ``PassError/invalidOption(pass:option:reason:)`` for an item
    ///   that is not `layer:ratio` with a ratio in [0, 1], or a schedule with
    ///   `scope=global`.
    static func schedule(_ text: String?, scope: String, pass: String) throws(PassError) -> [String: Double] {
        guard let text else { return [:] }
        var schedule: [String: Double] = [:]
        for item in text.split(separator: ";") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let value = Double(parts[1]), value >= 0, value <= 1 else {
                throw .invalidOption(pass: pass, option: "schedule", reason: "'\(item)' is not layer:ratio")
            }
            schedule[String(parts[0])] = value
        }
        if scope == "global" {
            throw .invalidOption(pass: pass, option: "schedule", reason: "a per-layer schedule needs scope=local")
        }
        return schedule
    }

    /// Throws unless every name of `schedule` is one of `layers` (by layer or weight name).
    static func checkSchedule(_ schedule: [String: Double], _ layers: [PrunableLayer], pass: String) throws(PassError) {
        for name in schedule.keys.sorted() where !layers.contains(where: { $0.name == name || $0.weight == name }) {
            throw .failed(pass: pass, position: 0, reason: "schedule names '\(name)', which is not a dense/conv2d layer")
        }
    }
}
