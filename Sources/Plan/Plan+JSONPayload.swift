internal import Foundation

extension Plan {
    /// The plan's JSON payload (keys sorted), byte for byte what
    /// `JSONEncoder` writes for it.
    ///
    /// The weight tiles' values are nearly all of a plan (1.6 M floats, 20 MB
    /// for the 3072-256-256-3072 autoencoder), and `JSONEncoder` boxes every
    /// one of them; writing them took longer than compiling. So the plan is
    /// encoded with every weight tile's values emptied, and each tile's
    /// `"values":[]` (in tile order: keys are sorted, arrays keep their
    /// order) is then filled with the text `JSONEncoder` writes for a
    /// `Float`: its `description` without a trailing `.0`. Quotes inside
    /// JSON strings are escaped, so the marker cannot occur inside one; any
    /// surprise (a non-finite value, a marker count that differs from the
    /// tiles') falls back to `JSONEncoder` on the whole plan. The tests
    /// compare both encodings byte for byte.
    func jsonPayload() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var stripped = self
        var lists: [[Float]] = []
        for index in stripped.layers.indices {
            guard case .fullyConnected(var fc) = stripped.layers[index] else { continue }
            for tile in fc.tiles.indices {
                lists.append(fc.tiles[tile].values)
                fc.tiles[tile].values = []
            }
            stripped.layers[index] = .fullyConnected(fc)
        }
        guard lists.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return [UInt8](try encoder.encode(self)) }
        let skeleton = [UInt8](try encoder.encode(stripped))
        let marker = Array("\"values\":[]".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(skeleton.count + lists.reduce(0) { $0 + 12 * $1.count })
        var (next, position) = (0, 0)
        while position < skeleton.count {
            let end = position + marker.count
            guard skeleton[position] == marker[0], end <= skeleton.count, skeleton[position..<end].elementsEqual(marker) else {
                output.append(skeleton[position])
                position += 1
                continue
            }
            guard next < lists.count else { return [UInt8](try encoder.encode(self)) }
            output.append(contentsOf: marker.dropLast())
            for (offset, value) in lists[next].enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                Self.appendJSON(value, to: &output)
            }
            output.append(UInt8(ascii: "]"))
            next += 1
            position = end
        }
        guard next == lists.count else { return [UInt8](try encoder.encode(self)) }
        return output
    }

    /// A finite `Float` as `JSONEncoder` writes it: `description`, an integral
    /// value without its `.0`.
    static func appendJSON(_ value: Float, to output: inout [UInt8]) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        output.append(contentsOf: text.utf8)
    }
}
