internal import HepexcIR

extension KerasGraphBuilder {
    // MARK: Padding and cropping

    /// `ZeroPadding2D` (pads ≥ 0) and `Cropping2D` (pads ≤ 0) as one `pad`.
    func zeroPadOrCrop(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        let channelsLast = try dataFormat(layer)
        guard input.type.rank == 4 else { throw .unsupported("\(layer.className) on a rank-\(input.type.rank) input") }
        let isCrop = layer.className == "Cropping2D"
        let key = isCrop ? "cropping" : "padding"
        // 1 | (1, 2) | ((top, bottom), (left, right))
        let value = layer.config[key] ?? .number(isCrop ? 0 : 1)
        var amounts: [Int]
        if let single = value.int {
            amounts = [single, single, single, single]
        } else if let pair = value.ints(count: 2), pair.count == 2 {
            amounts = [pair[0], pair[0], pair[1], pair[1]]
        } else if let rows = value.array, rows.count == 2, let first = rows[0].ints(count: 2), let second = rows[1].ints(count: 2),
                  first.count == 2, second.count == 2 {
            amounts = first + second
        } else {
            throw .unsupported("invalid `\(key)`")
        }
        guard amounts.allSatisfy({ $0 >= 0 && $0 < 1 << 16 }) else { throw .unsupported("`\(key)` must be non-negative") }
        let sign = isCrop ? -1 : 1
        // [top, bottom, left, right] → IR [top, left, bottom, right]
        let pads = [amounts[0], amounts[2], amounts[1], amounts[3]].map { $0 * sign }
        let x = channelsLast ? try channelsFirst(input, layer) : try kerasOrder(input, layer)
        if pads == [0, 0, 0, 0] { return x }
        let result = try emit(.pad, [.value(x.name)], attributes: ["pads": .ints(pads)], layer: layer)
        return KerasValue(name: result.name, type: result.type, channelsFirst: channelsLast)
    }

    // MARK: Preprocessing

    /// `Rescaling`: x·scale + offset (scalars or one value per channel).
    func rescaling(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        let scale = try numbers(layer.config["scale"] ?? .number(1), "scale", layer)
        let offset = try numbers(layer.config["offset"] ?? .number(0), "offset", layer)
        return try affine(layer, input, scale: scale, shift: offset)
    }

    /// `Normalization` over the last axis: (x − mean) / max(√variance, 1e-7),
    /// with mean and variance from the config or the adapted weights.
    func normalization(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        if layer.config["invert"]?.bool == true { throw .unsupported("invert = true (denormalisation)") }
        let axes = layer.config["axis"]?.ints(count: 1) ?? [-1]
        guard axes == [-1] || axes == [input.type.rank - 1] else {
            throw .unsupported("axis \(axes) (only the last, channel axis)")
        }
        var mean: [Double], variance: [Double]
        if let given = layer.config["mean"], !given.isNull, let givenVariance = layer.config["variance"], !givenVariance.isNull {
            mean = try numbers(given, "mean", layer)
            variance = try numbers(givenVariance, "variance", layer)
        } else {
            let found = try weightTensors(layer, roles: ["mean", "variance", "count"])
            guard let m = found["mean"], let v = found["variance"] else {
                throw .fatal(.missingWeight(layer: layer.name, weight: found["mean"] == nil ? "mean" : "variance", path: weights.file.displayPath))
            }
            mean = m.scalars
            variance = v.scalars
        }
        guard mean.count == variance.count, !mean.isEmpty else {
            throw .fatal(.weightShapeMismatch(layer: layer.name, weight: "variance", expected: [mean.count], found: [variance.count]))
        }
        if let bad = variance.firstIndex(where: { !($0 >= 0) }) {
            throw .fatal(.invalidTensor(name: "\(layer.name)/variance", reason: "variance \(variance[bad]) at index \(bad) is negative"))
        }
        let inverse = variance.map { 1 / max($0.squareRoot(), 1e-7) }
        return try affine(layer, input, scale: inverse, shift: zip(mean, inverse).map { -$0 * $1 })
    }

    /// x·scale + shift over the last Keras axis (the channel axis of an image).
    private func affine(_ layer: KerasLayer, _ input: KerasValue, scale: [Double], shift: [Double]) throws(LayerIssue) -> KerasValue {
        let channels = input.kerasDimensions.last ?? nil
        for (name, values) in [("scale", scale), ("shift", shift)] where values.count != 1 && values.count != channels {
            throw .fatal(.shapeMismatch(node: layer.name, reason: "\(values.count) \(name) values for \(channels.map(String.init) ?? "?") channels"))
        }
        func shaped(_ values: [Double]) -> Tensor {
            if values.count == 1 { return Tensor(shape: [], scalars: values) }
            // Channel-first images broadcast over [C, 1, 1]; others over the last axis.
            return Tensor(shape: input.channelsFirst && input.type.rank == 4 ? [values.count, 1, 1] : [values.count], scalars: values)
        }
        var current = input
        if scale != [1] {
            let result = try emit(.mul, [.value(current.name), constant(shaped(scale), name: "\(layer.name).scale")], layer: layer)
            current = KerasValue(name: result.name, type: result.type, channelsFirst: input.channelsFirst)
        }
        if shift.contains(where: { $0 != 0 }) {
            let result = try emit(.add, [.value(current.name), constant(shaped(shift), name: "\(layer.name).shift")], layer: layer)
            current = KerasValue(name: result.name, type: result.type, channelsFirst: input.channelsFirst)
        }
        return current
    }

    /// A number or a list of numbers from the config.
    private func numbers(_ value: KerasJSON, _ key: String, _ layer: KerasLayer) throws(LayerIssue) -> [Double] {
        if let single = value.double, single.isFinite { return [single] }
        guard let items = value.array else { throw .unsupported("invalid `\(key)`") }
        var result: [Double] = []
        for item in items {
            // Keras may nest per-axis lists ([[[m0, m1]]]); flatten them.
            if let number = item.double, number.isFinite { result.append(number); continue }
            result += try numbers(item, key, layer)
        }
        guard !result.isEmpty else { throw .unsupported("empty `\(key)`") }
        return result
    }
}
