internal import HepexcIR

extension KerasGraphBuilder {
    /// Imports every layer in topological order, then settles the outputs.
    /// - Throws: the first fatal error, else every unsupported layer at once.
    func build() throws(FrontendError) {
        if model.isSequential {
            try buildSequential()
        } else {
            try buildFunctional()
        }
        if !unsupported.isEmpty { throw .unsupportedLayers(unsupported) }
        var outputs: [String] = []
        for name in model.outputLayers {
            guard let value = values[name] else {
                throw .malformed(path: model.name, reason: "output layer '\(name)' is not produced by any layer")
            }
            let layer = KerasLayer(className: "Output", name: name, config: .object([:]), inbound: [], callCount: 1)
            do {
                outputs.append(try kerasOrder(value, layer).name)
            } catch {
                throw KerasGraphBuilder.fatal(error, layer)
            }
        }
        graph.outputs = outputs
    }

    private func buildSequential() throws(FrontendError) {
        guard let first = model.layers.first else { return }
        let shape = KerasGraphBuilder.declaredShape(first)
        guard let shape else {
            throw .malformed(path: model.name, reason: "the Sequential model declares no input shape (build it with keras.Input(shape=…))")
        }
        let inputName = first.className == "InputLayer" ? first.name : "input"
        var current: KerasValue? = try addInput(inputName, shape: shape, layer: first)
        for layer in model.layers where layer.className != "InputLayer" {
            current = try apply(layer, to: current)
            if let current { values[layer.name] = current }
        }
    }

    private func buildFunctional() throws(FrontendError) {
        var pending = model.layers
        var poisoned: Set<String> = []
        while !pending.isEmpty {
            var progressed = false
            var remaining: [KerasLayer] = []
            for layer in pending {
                if layer.className == "InputLayer" {
                    guard let shape = KerasGraphBuilder.declaredShape(layer) else {
                        throw .malformed(path: model.name, reason: "input layer '\(layer.name)' declares no shape")
                    }
                    values[layer.name] = try addInput(layer.name, shape: shape, layer: layer)
                    progressed = true
                    continue
                }
                let ready = layer.inbound.allSatisfy { values[$0] != nil || poisoned.contains($0) }
                guard ready else { remaining.append(layer); continue }
                progressed = true
                var input: KerasValue?
                if Self.mergeClasses.contains(layer.className), layer.callCount == 1 {
                    if let output = try applyMerge(layer) { values[layer.name] = output } else { poisoned.insert(layer.name) }
                    continue
                }
                if layer.inbound.count == 1, let name = layer.inbound.first {
                    input = values[name]
                } else if Self.supportedClasses.contains(layer.className) {
                    unsupported.append(UnsupportedLayer(name: layer.name, className: layer.className,
                                                        reason: "called on \(layer.inbound.count) inputs (only one)"))
                    poisoned.insert(layer.name)
                    continue
                }
                if layer.callCount > 1 {
                    unsupported.append(UnsupportedLayer(name: layer.name, className: layer.className,
                                                        reason: "a shared layer called \(layer.callCount) times"))
                    poisoned.insert(layer.name)
                    continue
                }
                if let output = try apply(layer, to: input) { values[layer.name] = output } else { poisoned.insert(layer.name) }
            }
            guard progressed else {
                let names = remaining.map(\.name).joined(separator: ", ")
                throw .malformed(path: model.name, reason: "layers \(names) read layers that are not in the model")
            }
            pending = remaining
        }
    }

    /// Lowers `layer` on `input` (`nil` when an earlier layer was
    /// unsupported); records unsupported layers; names the layer's output
    /// after it.
    private func apply(_ layer: KerasLayer, to input: KerasValue?) throws(FrontendError) -> KerasValue? {
        guard let input else {
            if !Self.supportedClasses.contains(layer.className) { record(layer, nil) }
            return nil
        }
        return try emitting(layer) { () throws(LayerIssue) in try lower(layer, input) }
    }

    /// A merge layer on its inbound tensors (repeats allowed: `[x, x]`).
    private func applyMerge(_ layer: KerasLayer) throws(FrontendError) -> KerasValue? {
        var inputs: [KerasValue] = []
        for name in layer.inbound {
            guard let value = values[name] else { return nil }
            inputs.append(value)
        }
        return try emitting(layer) { () throws(LayerIssue) in try merge(layer, inputs) }
    }

    /// Runs `body`, which emits `layer`'s operations, and names the layer's
    /// output after it; an unsupported layer is recorded (nil), a fatal
    /// problem thrown.
    private func emitting(_ layer: KerasLayer, _ body: () throws(LayerIssue) -> KerasValue) throws(FrontendError) -> KerasValue? {
        let before = graph.operations.count
        do {
            var output = try body()
            if graph.operations.count > before, graph.operations.last?.result == output.name,
               let renamed = nameLastResult(layer.name) {
                output.name = renamed
            }
            return output
        } catch {
            switch error {
            case .unsupported(let reason):
                record(layer, reason)
                return nil
            case .fatal(let failure):
                throw failure
            }
        }
    }

    private func record(_ layer: KerasLayer, _ reason: String?) {
        let known = Self.supportedClasses.contains(layer.className) || Self.mergeClasses.contains(layer.className) || layer.className == "Lambda"
        let why = reason ?? (known ? nil : "unknown layer class (custom layers cannot be imported)")
        unsupported.append(UnsupportedLayer(name: layer.name, className: layer.className, reason: why))
    }

    static func fatal(_ issue: LayerIssue, _ layer: KerasLayer) -> FrontendError {
        switch issue {
        case .fatal(let error): return error
        case .unsupported(let reason):
            return .unsupportedLayers([UnsupportedLayer(name: layer.name, className: layer.className, reason: reason)])
        }
    }

    /// Declares the graph input for an input shape `[batch, …]`.
    private func addInput(_ name: String, shape: [Int?], layer: KerasLayer) throws(FrontendError) -> KerasValue {
        var dims: [Int?] = [nil]
        for (axis, dim) in shape.enumerated().dropFirst() {
            guard let dim, dim > 0, dim < 1 << 31 else {
                throw .unsupportedLayers([UnsupportedLayer(name: layer.name, className: layer.className,
                                                          reason: "dimension \(dim.map(String.init) ?? "None") at axis \(axis); only the batch may be dynamic")])
            }
            dims.append(dim)
        }
        guard dims.count >= 2 else {
            throw .unsupportedLayers([UnsupportedLayer(name: layer.name, className: layer.className, reason: "the input has no feature dimension")])
        }
        let type = TensorType(dims, .f32)
        addInput(name: name, type: type)
        return KerasValue(name: name, type: type, channelsFirst: false)
    }

    /// The `[batch, …]` input shape a layer declares: `batch_shape` (Keras 3),
    /// `batch_input_shape` (Keras 2), or Keras 3's `build_config`.
    static func declaredShape(_ layer: KerasLayer) -> [Int?]? {
        if let shape = layer.config["batch_shape"]?.shape ?? layer.config["batch_input_shape"]?.shape { return shape }
        if let shape = layer.config["input_shape"]?.shape { return [nil] + shape }
        return nil
    }
}
