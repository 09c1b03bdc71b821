internal import HepexcData
internal import HepexcIR

/// The client's plaintext front half: loads a data set and, optionally, runs
/// a frozen backbone cut at a named value with the IR reference interpreter.
struct FeatureExtractor {
    /// The backbone graph cut at the feature value (nil: raw inputs).
    let backbone: Graph?
    let backbonePath: String?
    /// The cut value's name.
    let featureValue: String?

    /// Loads and cuts the backbone; checks the value exists.
    /// - Throws: `EncryptedTrainingError.backbone` or `.unknownFeatureValue`.
    init(backbonePath: String?, featureValue: String?) throws(EncryptedTrainingError) {
        self.backbonePath = backbonePath
        guard let backbonePath else {
            backbone = nil
            self.featureValue = nil
            return
        }
        var graph: Graph
        do {
            graph = try ModelLoader.load(backbonePath).graph
        } catch {
            throw .backbone(path: backbonePath, message: error.description)
        }
        let name = featureValue.map { $0.hasPrefix("%") ? String($0.dropFirst()) : $0 } ?? graph.outputs.first ?? ""
        let known = graph.inputs.map(\.name) + graph.operations.map(\.result)
        guard graph.valueTypes[name] != nil, !graph.inputs.contains(where: { $0.name == name }) else {
            throw .unknownFeatureValue(name: name, backbone: backbonePath, known: known)
        }
        graph.outputs = [name]
        graph.eliminateDeadCode()
        backbone = graph
        self.featureValue = name
    }

    /// The feature rows and labels of a data file.
    /// - Throws: `EncryptedTrainingError.data`, `.missingLabels`, `.backbone`.
    func load(_ path: String) throws(EncryptedTrainingError) -> (features: [[Double]], labels: [Int], inputs: Tensor) {
        let dataset: Dataset
        do {
            dataset = try DatasetLoader.load(path: path)
        } catch {
            throw .data(path: path, message: "\(error)")
        }
        guard let labels = dataset.labels else { throw .missingLabels(path: path) }
        var features = dataset.inputs
        if let backbone, let backbonePath {
            do {
                guard let output = try Interpreter(backbone).run(dataset.inputs, batchSize: 256).first else {
                    throw EncryptedTrainingError.backbone(path: backbonePath, message: "the cut graph has no output")
                }
                features = output
            } catch let error as EncryptedTrainingError {
                throw error
            } catch {
                throw .backbone(path: backbonePath, message: "\(error)")
            }
        }
        let count = features.shape.first ?? 0
        let width = count > 0 ? features.scalars.count / count : 0
        let rows = (0..<count).map { Array(features.scalars[($0 * width)..<(($0 + 1) * width)]) }
        return (rows, labels, dataset.inputs)
    }
}
