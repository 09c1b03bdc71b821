internal import HepexcFrontend
internal import HepexcIR

/// Builds the complete model the client ends with: the backbone cut (or a
/// plain input), the normalisation and the decrypted dense head, as one IR
/// graph; writes it as ONNX.
enum HeadExporter {
    /// - Parameters:
    ///   - weights: classes × features; `bias`: classes.
    /// - Throws: `EncryptedTrainingError.export`.
    static func graph(backbone: Graph?, featureWidth: Int, normaliser: FeatureNormaliser, weights: [[Double]],
                      bias: [Double]) throws(EncryptedTrainingError) -> Graph {
        var graph = backbone ?? Graph(name: "private_head", inputs: [GraphInput(name: "input", type: TensorType([nil, featureWidth]))])
        var current = backbone?.outputs.first ?? "input"
        do {
            func append(_ name: String, _ kind: OpKind, _ operands: [Operand], _ attributes: Attributes = [:]) throws {
                let types = graph.valueTypes
                let operandTypes = operands.map { operand -> TensorType in
                    switch operand {
                    case .value(let value): return types[value] ?? TensorType([nil])
                    case .constant(let constant): return graph.constants[constant]?.type ?? TensorType([nil])
                    }
                }
                let type = try ShapeInference.resultType(of: kind, result: name, operands: operandTypes, attributes: attributes)
                graph.operations.append(Operation(result: name, kind: kind, operands: operands, attributes: attributes, type: type))
                current = name
            }
            func constant(_ name: String, _ shape: [Int], _ values: [Double]) -> Operand {
                graph.constants[name] = Constant(Tensor(shape: shape, scalars: values))
                return .constant(name)
            }
            if let type = graph.valueTypes[current], type.rank != 2 {
                try append("ptrain_flat", .reshape, [.value(current)], ["shape": .ints([featureWidth])])
            }
            try append("ptrain_centred", .sub, [.value(current), constant("ptrain_mean", [featureWidth], normaliser.mean)])
            try append("ptrain_scaled", .mul, [.value(current), constant("ptrain_scale", [featureWidth], normaliser.scale)])
            try append("logits", .dense, [.value(current), constant("ptrain_weight", [weights.count, featureWidth], weights.flatMap { $0 }),
                                          constant("ptrain_bias", [bias.count], bias)])
            graph.outputs = ["logits"]
            try graph.verify()
        } catch {
            throw .export(path: "(graph)", message: "\(error)")
        }
        return graph
    }

    /// Writes `graph` as ONNX (atomically).
    static func write(_ graph: Graph, to path: String) throws(EncryptedTrainingError) {
        do {
            try ONNXExporter.write(graph, to: path)
        } catch {
            throw .export(path: path, message: error.description)
        }
    }

    /// Test accuracy of the exported graph, re-imported from `path` and run by
    /// the IR interpreter on the raw test inputs.
    static func accuracy(ofModelAt path: String, inputs: Tensor, labels: [Int]) throws(EncryptedTrainingError) -> Double {
        do {
            let graph = try ModelLoader.load(path).graph
            guard let logits = try Interpreter(graph).run(inputs, batchSize: 256).first else { return 0 }
            let classes = logits.scalars.count / max(labels.count, 1)
            let correct = labels.indices.filter { i in
                let row = logits.scalars[(i * classes)..<((i + 1) * classes)]
                return row.indices.max { row[$0] < row[$1] }.map { $0 - i * classes } == labels[i]
            }.count
            return Double(correct) / Double(max(labels.count, 1))
        } catch {
            throw .export(path: path, message: "re-import failed: \(error)")
        }
    }
}
