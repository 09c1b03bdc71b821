/// One layer of a Keras model config.
struct KerasLayer: Sendable {
    /// The Keras class (`Dense`, `Conv2D`, …; custom classes keep their name).
    var className: String
    /// The layer's name (unique within the model).
    var name: String
    /// The layer's `config` object.
    var config: KerasJSON
    /// The names of the layers feeding it (functional models; empty for
    /// Sequential models, where the previous layer feeds it).
    var inbound: [String]
    /// How many times the layer is called (a shared layer is called more
    /// than once).
    var callCount: Int
}

/// A Keras model's architecture: Sequential or Functional (graph of
/// single-tensor layers), from Keras 2 or Keras 3 JSON.
struct KerasModelConfig: Sendable {
    var name: String
    /// Layers in config order (topological for both model kinds).
    var layers: [KerasLayer]
    var isSequential: Bool
    /// Functional models: the input and output layer names.
    var inputLayers: [String]
    var outputLayers: [String]
    /// `keras_version` and `backend` when the JSON records them.
    var kerasVersion: String?
    var backend: String?

    /// Reads the top-level JSON (`{"class_name": "Sequential", "config": …}`).
    /// - Throws: ``FrontendError/malformed(path:reason:)``.
    init(json: KerasJSON, source: String) throws(FrontendError) {
        func fail(_ reason: String) -> FrontendError { .malformed(path: source, reason: reason) }
        guard let className = json["class_name"]?.string else {
            throw fail("the model config has no class_name (expected a Keras model.to_json())")
        }
        kerasVersion = json["keras_version"]?.string
        backend = json["backend"]?.string
        let config = json["config"] ?? .null
        switch className {
        case "Sequential":
            isSequential = true
            // Keras ≤ 2.1 wrote the layer list directly as the config.
            let layerList = config.array ?? config["layers"]?.array
            guard let layerList else { throw fail("the Sequential config has no layer list") }
            name = config["name"]?.string ?? "sequential"
            layers = try layerList.enumerated().map { (index, item) throws(FrontendError) in
                try KerasModelConfig.layer(item, index: index, functional: false, source: source)
            }
            inputLayers = []
            outputLayers = layers.last.map { [$0.name] } ?? []
        case "Functional", "Model":
            isSequential = false
            guard let layerList = config["layers"]?.array else { throw fail("the Functional config has no layer list") }
            name = config["name"]?.string ?? "model"
            layers = try layerList.enumerated().map { (index, item) throws(FrontendError) in
                try KerasModelConfig.layer(item, index: index, functional: true, source: source)
            }
            inputLayers = KerasModelConfig.historyNames(config["input_layers"] ?? .null)
            outputLayers = KerasModelConfig.historyNames(config["output_layers"] ?? .null)
            guard !inputLayers.isEmpty, !outputLayers.isEmpty else {
                throw fail("the Functional config lists no input or output layers")
            }
        default:
            throw fail("model class '\(className)' is not a Sequential or Functional model (subclassed models have no importable architecture)")
        }
        guard !layers.isEmpty else { throw fail("the model has no layers") }
    }

    private static func layer(_ item: KerasJSON, index: Int, functional: Bool, source: String) throws(FrontendError) -> KerasLayer {
        guard let className = item["class_name"]?.string else {
            throw .malformed(path: source, reason: "layer \(index) of the model config has no class_name")
        }
        let config = item["config"] ?? .object([:])
        let name = item["name"]?.string ?? config["name"]?.string ?? "\(className.lowercased())_\(index)"
        var inbound: [String] = []
        var calls = 1
        if functional, let nodes = item["inbound_nodes"]?.array {
            calls = nodes.count
            if let first = nodes.first { inbound = historyNames(first) }
        }
        return KerasLayer(className: className, name: name, config: config, inbound: inbound, callCount: calls)
    }

    /// The layer names referenced by a node: Keras 2 `[["name", 0, 0, {}], …]`,
    /// Keras 3 `{"args": [{"class_name": "__keras_tensor__", "config":
    /// {"keras_history": ["name", 0, 0]}}]}`, and the model's
    /// `input_layers`/`output_layers` (`["name", 0, 0]` or a list of those).
    static func historyNames(_ node: KerasJSON) -> [String] {
        switch node {
        case .array(let items):
            if let first = items.first?.string, items.count >= 3, items[1].int != nil { return [first] }
            return items.flatMap(historyNames)
        case .object(let members):
            if let history = members["config"]?["keras_history"]?.array, let first = history.first?.string {
                return [first]
            }
            if let args = members["args"] { return historyNames(args) }
            return []
        default:
            return []
        }
    }
}
