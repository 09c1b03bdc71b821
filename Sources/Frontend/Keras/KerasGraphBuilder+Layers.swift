internal import HepexcIR

extension KerasGraphBuilder {
    /// The layer classes the importer knows.
    static let supportedClasses: Set<String> = [
        "InputLayer", "Dense", "Conv2D", "AveragePooling2D", "MaxPooling2D", "GlobalAveragePooling2D",
        "BatchNormalization", "Activation", "ReLU", "Softmax", "Flatten", "Reshape", "Dropout",
        "ZeroPadding2D", "Cropping2D", "Rescaling", "Normalization", "Add", "Subtract", "Multiply", "Average",
    ]

    /// Lowers one layer applied to `input`; returns its output.
    func lower(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        switch layer.className {
        case "Dense": return try dense(layer, input)
        case "Conv2D": return try conv2d(layer, input)
        case "AveragePooling2D", "MaxPooling2D": return try pool(layer, input)
        case "GlobalAveragePooling2D": return try globalAveragePool(layer, input)
        case "BatchNormalization": return try batchNorm(layer, input)
        case "Activation":
            return try activation(layer.config["activation"] ?? .string("linear"), layer, input)
        case "ReLU":
            if let value = layer.config["threshold"], !value.isNull, value.double != 0 {
                throw .unsupported("threshold = \(value.double.map { "\($0)" } ?? "?") (only a ReLU with threshold 0)")
            }
            let slope = layer.config["negative_slope"]?.double ?? 0
            let maximum = layer.config["max_value"]?.double
            switch (slope, maximum) {
            case (0, nil): return try activation(.string("relu"), layer, input)
            case (0, 6?): return try activation(.string("relu6"), layer, input)
            case (_, nil): return try activationFunction(.leakyRelu, alpha: slope, layer, input)
            default: throw .unsupported("max_value \(maximum.map { "\($0)" } ?? "?") with negative_slope \(slope) (only ReLU, ReLU6 or LeakyReLU)")
            }
        case "Softmax":
            return try softmax(layer, input, axis: layer.config["axis"]?.int ?? -1)
        case "Flatten": return try flatten(layer, input)
        case "Reshape": return try reshape(layer, input)
        case "Dropout": return input
        case "ZeroPadding2D", "Cropping2D": return try zeroPadOrCrop(layer, input)
        case "Rescaling": return try rescaling(layer, input)
        case "Normalization": return try normalization(layer, input)
        case let name where Self.mergeClasses.contains(name): return try merge(layer, [input])
        case "Lambda": throw .unsupported("Lambda layers hold Python code; rewrite them as built-in layers")
        default: throw .unsupported(nil)
        }
    }

    // MARK: Weighted layers

    func dense(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        guard input.type.rank == 2, let inFeatures = input.type.dimensions[1] else {
            throw .unsupported("Dense on a rank-\(input.type.rank) input (only [batch, features]; add a Flatten)")
        }
        guard let units = layer.config["units"]?.int, units > 0 else { throw .unsupported("missing or invalid `units`") }
        let useBias = layer.config["use_bias"]?.bool ?? true
        let found = try weightTensors(layer, roles: useBias ? ["kernel", "bias"] : ["kernel"])
        let kernel = try expect(found, "kernel", shape: [inFeatures, units], layer)
        var operands: [Operand] = [.value(input.name), constant(kernel.transposed([1, 0]), name: "\(layer.name).weight")]
        if useBias { operands.append(constant(try expect(found, "bias", shape: [units], layer), name: "\(layer.name).bias")) }
        let result = try emit(.dense, operands, layer: layer)
        let value = KerasValue(name: result.name, type: result.type, channelsFirst: false)
        return try activation(layer.config["activation"] ?? .string("linear"), layer, value)
    }

    func conv2d(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        let channelsLast = try dataFormat(layer)
        if let dilation = layer.config["dilation_rate"]?.ints(count: 2), dilation != [1, 1] {
            throw .unsupported("dilation_rate = \(dilation) (only 1)")
        }
        if let groups = layer.config["groups"]?.int, groups != 1 { throw .unsupported("groups = \(groups) (only 1)") }
        guard let filters = layer.config["filters"]?.int, filters > 0,
              let kernelSize = layer.config["kernel_size"]?.ints(count: 2), kernelSize.count == 2 else {
            throw .unsupported("missing `filters` or `kernel_size`")
        }
        let strides = layer.config["strides"]?.ints(count: 2) ?? [1, 1]
        guard input.type.rank == 4 else { throw .unsupported("Conv2D on a rank-\(input.type.rank) input") }
        let x = channelsLast ? try channelsFirst(input, layer) : try kerasOrder(input, layer)
        guard let channels = x.type.dimensions[1] else { throw .unsupported("unknown channel count") }
        let useBias = layer.config["use_bias"]?.bool ?? true
        let found = try weightTensors(layer, roles: useBias ? ["kernel", "bias"] : ["kernel"])
        let kernel = try expect(found, "kernel", shape: [kernelSize[0], kernelSize[1], channels, filters], layer)
        let pads = try padding(layer, x, kernel: kernelSize, strides: strides)
        var operands: [Operand] = [.value(x.name), constant(kernel.transposed([3, 2, 0, 1]), name: "\(layer.name).weight")]
        if useBias { operands.append(constant(try expect(found, "bias", shape: [filters], layer), name: "\(layer.name).bias")) }
        let result = try emit(.conv2d, operands, attributes: ["strides": .ints(strides), "pads": .ints(pads)], layer: layer)
        let value = KerasValue(name: result.name, type: result.type, channelsFirst: channelsLast)
        return try activation(layer.config["activation"] ?? .string("linear"), layer, value)
    }

    func batchNorm(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        let axisConfig = layer.config["axis"]
        let axes = axisConfig?.ints(count: 1) ?? [-1]
        guard axes.count == 1, let axis = axes.first else { throw .unsupported("normalises over several axes \(axes)") }
        let rank = input.type.rank
        let kerasAxis = axis < 0 ? axis + rank : axis
        var x = input
        if rank == 4, kerasAxis == 3, !x.channelsFirst { x = try channelsFirst(x, layer) }
        if rank == 4, kerasAxis == 1, x.channelsFirst { x = try kerasOrder(x, layer) }
        guard rank >= 2, physicalAxis(axis, of: x) == 1, let channels = x.type.dimensions[1] else {
            throw .unsupported("normalises axis \(axis) of a rank-\(rank) input (only the channel axis)")
        }
        let center = layer.config["center"]?.bool ?? true, scale = layer.config["scale"]?.bool ?? true
        let epsilon = layer.config["epsilon"]?.double ?? 1e-3
        let roles = (scale ? ["gamma"] : []) + (center ? ["beta"] : []) + ["moving_mean", "moving_variance"]
        let found = try weightTensors(layer, roles: roles)
        let ones = Tensor(shape: [channels], scalars: Array(repeating: 1, count: channels))
        let gamma = scale ? try expect(found, "gamma", shape: [channels], layer) : ones
        let beta = center ? try expect(found, "beta", shape: [channels], layer) : Tensor(zeros: [channels])
        let mean = try expect(found, "moving_mean", shape: [channels], layer)
        let variance = try expect(found, "moving_variance", shape: [channels], layer)
        let operands: [Operand] = [
            .value(x.name), constant(gamma, name: "\(layer.name).scale"), constant(beta, name: "\(layer.name).bias"),
            constant(mean, name: "\(layer.name).mean"), constant(variance, name: "\(layer.name).var"),
        ]
        let result = try emit(.batchnorm, operands, attributes: ["epsilon": .float(epsilon)], layer: layer)
        return KerasValue(name: result.name, type: result.type, channelsFirst: x.channelsFirst)
    }

    // MARK: Pooling

    func pool(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        let channelsLast = try dataFormat(layer)
        guard let kernel = layer.config["pool_size"]?.ints(count: 2), kernel.count == 2 else {
            throw .unsupported("missing `pool_size`")
        }
        var strides = kernel
        if let value = layer.config["strides"], !value.isNull {
            guard let given = value.ints(count: 2), given.count == 2 else { throw .unsupported("invalid `strides`") }
            strides = given
        }
        guard input.type.rank == 4 else { throw .unsupported("\(layer.className) on a rank-\(input.type.rank) input") }
        let x = channelsLast ? try channelsFirst(input, layer) : try kerasOrder(input, layer)
        let pads = try padding(layer, x, kernel: kernel, strides: strides)
        var attributes: Attributes = ["kernel": .ints(kernel), "strides": .ints(strides)]
        if pads != [0, 0, 0, 0] { attributes["pads"] = .ints(pads) }
        // Keras' "same" average pooling divides by the valid values only.
        let kind: OpKind = layer.className == "MaxPooling2D" ? .maxpool2d : .avgpool2d
        let result = try emit(kind, [.value(x.name)], attributes: attributes, layer: layer)
        return KerasValue(name: result.name, type: result.type, channelsFirst: channelsLast)
    }

    func globalAveragePool(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        let channelsLast = try dataFormat(layer)
        guard input.type.rank == 4 else { throw .unsupported("GlobalAveragePooling2D on a rank-\(input.type.rank) input") }
        let x = channelsLast ? try channelsFirst(input, layer) : try kerasOrder(input, layer)
        let pooled = try emit(.globalAvgpool, [.value(x.name)], layer: layer)
        if layer.config["keepdims"]?.bool == true {
            return KerasValue(name: pooled.name, type: pooled.type, channelsFirst: channelsLast)
        }
        guard let channels = pooled.type.dimensions[1] else { throw .unsupported("unknown channel count") }
        let flat = try emit(.reshape, [.value(pooled.name)], attributes: ["shape": .ints([channels])], layer: layer)
        return KerasValue(name: flat.name, type: flat.type, channelsFirst: false)
    }

    // MARK: Shape layers

    func flatten(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        // Keras flattens in its own (height, width, channel) order.
        let x = try kerasOrder(input, layer)
        guard x.type.rank != 2 else { return x }
        guard let count = x.type.elementsPerItem else { throw .unsupported("input has unknown dimensions") }
        let result = try emit(.reshape, [.value(x.name)], attributes: ["shape": .ints([count])], layer: layer)
        return KerasValue(name: result.name, type: result.type, channelsFirst: false)
    }

    func reshape(_ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        guard let target = layer.config["target_shape"]?.shape, !target.isEmpty,
              target.allSatisfy({ ($0 ?? 1) > 0 || $0 == -1 }) else {
            throw .unsupported("missing or invalid `target_shape`")
        }
        let x = try kerasOrder(input, layer)
        guard let count = x.type.elementsPerItem else { throw .unsupported("input has unknown dimensions") }
        var shape = target.map { $0 ?? -1 }
        guard let known = ShapeInference.checkedProduct(shape.filter { $0 > 0 }) else {
            throw .fatal(.shapeMismatch(node: layer.name, reason: "target_shape \(target.map { $0 ?? -1 }) is too large"))
        }
        if let unknown = shape.firstIndex(of: -1) {
            guard shape.filter({ $0 == -1 }).count == 1, known > 0, count % known == 0 else {
                throw .fatal(.shapeMismatch(node: layer.name, reason: "cannot reshape \(count) values per item into \(target.map { $0 ?? -1 })"))
            }
            shape[unknown] = count / known
        }
        let result = try emit(.reshape, [.value(x.name)], attributes: ["shape": .ints(shape)], layer: layer)
        return KerasValue(name: result.name, type: result.type, channelsFirst: false)
    }

    // MARK: Activations

    /// Applies a Keras activation (a name, or Keras 3's serialized function).
    /// Never drops one: an activation without an IR counterpart is reported.
    func activation(_ spec: KerasJSON, _ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        let name: String
        if let plain = spec.string {
            name = plain
        } else if spec.isNull {
            name = "linear"
        } else if let function = spec["config"]?.string ?? spec["config"]?["name"]?.string {
            let module = spec["module"]?.string ?? ""
            guard module.hasPrefix("keras") else { throw .unsupported("custom activation '\(function)'") }
            name = function
        } else {
            throw .unsupported("an activation that is not a built-in name")
        }
        let kind: OpKind
        switch name {
        case "linear": return input
        case "relu": kind = .relu
        case "sigmoid": kind = .sigmoid
        case "tanh": kind = .tanh
        case "softmax": return try softmax(layer, input, axis: -1)
        default:
            guard let (function, alpha, beta) = kerasActivation(name) else {
                throw .unsupported("activation '\(name)' has no IR counterpart (it is not element-wise or not a Keras built-in)")
            }
            return try activationFunction(function, alpha: alpha, beta: beta, layer, input)
        }
        let result = try emit(kind, [.value(input.name)], layer: layer)
        return KerasValue(name: result.name, type: result.type, channelsFirst: input.channelsFirst)
    }

    /// Keras' built-in element-wise activations beyond relu/sigmoid/tanh,
    /// with Keras' parameters (Keras 3 changed `hard_sigmoid` to relu6(x+3)/6
    /// and `leaky_relu`'s slope to 0.2).
    func kerasActivation(_ name: String) -> (ActivationFunction, alpha: Double?, beta: Double?)? {
        let keras3 = model.kerasVersion.map { $0.hasPrefix("3") } ?? true
        switch name {
        case "gelu": return (.gelu, nil, nil)
        case "elu": return (.elu, 1, nil)
        case "selu": return (.selu, nil, nil)
        case "celu": return (.celu, 1, nil)
        case "softplus": return (.softplus, nil, nil)
        case "softsign": return (.softsign, nil, nil)
        case "exponential": return (.exponential, nil, nil)
        case "swish", "silu": return (.silu, nil, nil)
        case "mish": return (.mish, nil, nil)
        case "relu6": return (.relu6, nil, nil)
        case "hard_sigmoid": return keras3 ? (.hardSigmoid, 1.0 / 6, 0.5) : (.hardSigmoid, 0.2, 0.5)
        case "hard_silu", "hard_swish": return (.hardSwish, nil, nil)
        case "hard_tanh": return (.clip, -1, 1)
        case "leaky_relu": return (.leakyRelu, 0.2, nil)
        case "log_sigmoid": return (.logSigmoid, nil, nil)
        case "tanh_shrink": return (.tanhShrink, nil, nil)
        case "hard_shrink": return (.hardShrink, 0.5, nil)
        case "soft_shrink": return (.softShrink, 0.5, nil)
        case "squareplus": return (.squareplus, 4, nil)
        case "sparse_plus": return (.sparsePlus, nil, nil)
        default: return nil
        }
    }

    /// `activation(%x) {fn, alpha?, beta?}`.
    func activationFunction(_ function: ActivationFunction, alpha: Double? = nil, beta: Double? = nil,
                            _ layer: KerasLayer, _ input: KerasValue) throws(LayerIssue) -> KerasValue {
        var attributes: Attributes = ["fn": .string(function.rawValue)]
        if let alpha { attributes["alpha"] = .float(alpha) }
        if let beta { attributes["beta"] = .float(beta) }
        let result = try emit(.activation, [.value(input.name)], attributes: attributes, layer: layer)
        return KerasValue(name: result.name, type: result.type, channelsFirst: input.channelsFirst)
    }

    func softmax(_ layer: KerasLayer, _ input: KerasValue, axis: Int) throws(LayerIssue) -> KerasValue {
        guard let physical = physicalAxis(axis, of: input), physical > 0 else {
            throw .unsupported("softmax over axis \(axis) (the batch axis)")
        }
        let result = try emit(.softmax, [.value(input.name)], attributes: ["axis": .int(physical)], layer: layer)
        return KerasValue(name: result.name, type: result.type, channelsFirst: input.channelsFirst)
    }

    // MARK: Helpers

    /// Whether the layer is channels_last (the Keras default).
    func dataFormat(_ layer: KerasLayer) throws(LayerIssue) -> Bool {
        switch layer.config["data_format"]?.string ?? "channels_last" {
        case "channels_last": return true
        case "channels_first": return false
        case let other: throw .unsupported("data_format '\(other)'")
        }
    }

    /// IR pads `[top, left, bottom, right]` for Keras `padding` on the NCHW
    /// value `x`: zeros for "valid"; for "same" the total TensorFlow pads
    /// (output ⌈n/s⌉), the extra one at the bottom/right.
    func padding(_ layer: KerasLayer, _ x: KerasValue, kernel: [Int], strides: [Int]) throws(LayerIssue) -> [Int] {
        guard strides.count == 2, strides.allSatisfy({ $0 > 0 }) else { throw .unsupported("invalid `strides` \(strides)") }
        switch layer.config["padding"]?.string ?? "valid" {
        case "valid": return [0, 0, 0, 0]
        case "same":
            var before: [Int] = [], after: [Int] = []
            for axis in 0..<2 {
                guard let size = x.type.dimensions[2 + axis] else { throw .unsupported("\"same\" padding needs a known input size") }
                let out = (size + strides[axis] - 1) / strides[axis]
                let total = max((out - 1) * strides[axis] + kernel[axis] - size, 0)
                before.append(total / 2)
                after.append(total - total / 2)
            }
            return [before[0], before[1], after[0], after[1]]
        case let other: throw .unsupported("padding '\(other)'")
        }
    }

    /// The layer's weights; roles in Keras' creation order.
    func weightTensors(_ layer: KerasLayer, roles: [String]) throws(LayerIssue) -> [String: Tensor] {
        do {
            return try weights.weights(of: layer, roles: roles)
        } catch {
            throw .fatal(error)
        }
    }

    /// The weight `role` with the shape the config implies.
    func expect(_ found: [String: Tensor], _ role: String, shape: [Int], _ layer: KerasLayer) throws(LayerIssue) -> Tensor {
        guard let tensor = found[role] else {
            throw .fatal(.missingWeight(layer: layer.name, weight: role, path: weights.file.displayPath))
        }
        guard tensor.shape == shape else {
            throw .fatal(.weightShapeMismatch(layer: layer.name, weight: role, expected: shape, found: tensor.shape))
        }
        return tensor
    }
}
