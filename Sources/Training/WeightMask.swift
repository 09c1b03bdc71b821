public import HepexcIR

/// Fixed 0/1 masks on weights, as the IR represents them.
///
/// A weight constant names its mask in the attribute `mask`:
///
/// ```hepir
/// const @fc1.weight : tensor<128x784xf32> {mask = "fc1.weight.mask"} = dense<[…]>
/// const @fc1.weight.mask : tensor<128x784xf32> {granularity = "element"} = dense<[1.0, 0.0, …]>
/// const @fc2.weight.mask : tensor<1x8xf32> {granularity = "tile", tile = [16, 16]} = dense<[…]>
/// ```
///
/// An element mask has the weight's shape. A tile mask views the weight as a
/// matrix `[shape[0], product of the other dimensions]` cut into `tile`
/// blocks (the last ones may be partial) and holds one 0/1 value per block,
/// shape `[⌈rows/t0⌉, ⌈columns/t1⌉]`. Values must be exactly 0 or 1; a
/// masked weight is exactly 0 in the graph and stays 0 through training.
public enum WeightMask {
    /// The attribute on a weight constant naming its mask constant.
    public static let attribute = "mask"

    /// The element mask (weight-shaped, flat) of constant `name`, or `nil` if it has none.
    /// - Throws: ``TrainingError/invalidMask(weight:reason:)`` for a missing,
    ///   elided, misshapen or non-binary mask.
    public static func elementMask(of name: String, in graph: Graph) throws(TrainingError) -> [Double]? {
        guard let weight = graph.constants[name], let maskName = weight.attributes[attribute] else { return nil }
        guard let maskName = maskName.stringValue else {
            throw .invalidMask(weight: name, reason: "the `mask` attribute must be a string naming a constant")
        }
        guard let mask = graph.constants[maskName] else {
            throw .invalidMask(weight: name, reason: "mask constant @\(Identifier.printable(maskName)) does not exist")
        }
        guard let values = mask.value?.scalars, let shape = weight.type.staticShape else {
            throw .invalidMask(weight: name, reason: "mask constant @\(Identifier.printable(maskName)) has no values (elided)")
        }
        if let bad = values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw .invalidMask(weight: name, reason: "value \(values[bad]) at flat index \(bad) is not 0 or 1")
        }
        let maskShape = mask.type.staticShape ?? []
        if mask.attributes["granularity"]?.stringValue == "tile" {
            guard let tile = mask.attributes["tile"]?.intsValue, tile.count == 2, tile.allSatisfy({ $0 > 0 }) else {
                throw .invalidMask(weight: name, reason: "a tile mask needs `tile = [rows, columns]`")
            }
            let rows = shape.first ?? 1, columns = shape.dropFirst().reduce(1, *)
            let expected = [(rows + tile[0] - 1) / tile[0], (columns + tile[1] - 1) / tile[1]]
            guard maskShape == expected else {
                throw .invalidMask(weight: name, reason: "tile mask \(tile) over a \(rows)×\(columns) weight must have shape \(expected), got \(maskShape)")
            }
            var expanded = [Double](repeating: 0, count: rows * columns)
            for row in 0..<rows {
                for column in 0..<columns {
                    expanded[row * columns + column] = values[(row / tile[0]) * expected[1] + column / tile[1]]
                }
            }
            return expanded
        }
        guard maskShape == shape else {
            throw .invalidMask(weight: name, reason: "an element mask must have the weight's shape \(shape), got \(maskShape)")
        }
        return values
    }

    /// Adds element masks that zero the fraction `ratio` of smallest-magnitude
    /// entries of every `dense` and `conv2d` weight (per layer) that has no
    /// mask yet, and zeroes those entries.
    ///
    /// This is a simple magnitude pruning for fine-tuning experiments; the
    /// HE-PEx pruning passes make tile masks of their own.
    /// - Returns: the number of weights masked.
    @discardableResult
    public static func addMagnitudeMasks(to graph: inout Graph, ratio: Double) throws(TrainingError) -> Int {
        guard ratio >= 0, ratio < 1 else { throw .invalidOption("the mask ratio must be in [0, 1), got \(ratio)") }
        var masked = 0
        var weights: [String] = []
        for operation in graph.operations where operation.kind == .dense || operation.kind == .conv2d {
            if operation.operands.count > 1, case .constant(let name) = operation.operands[1], !weights.contains(name) {
                weights.append(name)
            }
        }
        for name in weights {
            guard var weight = graph.constants[name], weight.attributes[attribute] == nil else { continue }
            guard var tensor = weight.value else {
                throw .invalidMask(weight: name, reason: "the weight is elided; masks need its values")
            }
            let count = tensor.count
            let zeroed = Int((Double(count) * ratio).rounded())
            let order = tensor.scalars.indices.sorted { (abs(tensor.scalars[$0]), $0) < (abs(tensor.scalars[$1]), $1) }
            var mask = [Double](repeating: 1, count: count)
            for index in order.prefix(zeroed) {
                mask[index] = 0
                tensor.scalars[index] = 0
            }
            masked += zeroed
            var maskName = name + ".mask"
            while graph.constants[maskName] != nil { maskName += "_" }
            weight.value = tensor
            weight.attributes[attribute] = .string(maskName)
            graph.constants[name] = weight
            graph.constants[maskName] = Constant(Tensor(shape: tensor.shape, scalars: mask, elementType: .f32),
                                                 attributes: ["granularity": .string("element")])
        }
        return masked
    }

    /// How many masked weights are not exactly zero (0 after correct training).
    public static func violations(in graph: Graph) throws(TrainingError) -> (masked: Int, nonZero: Int) {
        var masked = 0, nonZero = 0
        for (name, constant) in graph.constants {
            guard let mask = try elementMask(of: name, in: graph), let values = constant.value?.scalars else { continue }
            for (value, keep) in zip(values, mask) where keep == 0 {
                masked += 1
                if value != 0 { nonZero += 1 }
            }
        }
        return (masked, nonZero)
    }
}
