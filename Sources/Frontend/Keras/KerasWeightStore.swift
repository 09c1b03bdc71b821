internal import HepexcIR

/// Finds a layer's weights in a Keras HDF5 file, whichever way it was saved:
///
/// - **legacy** (Keras 2 `model.save("m.h5")`, `save_weights("w.h5")`, and
///   Keras 3's legacy `.h5`): group `[model_weights/]<layer name>` with a
///   `weight_names` attribute listing dataset paths relative to it
///   (`fc1/kernel:0` in Keras 2, `model/fc1/kernel` in Keras 3);
/// - **saving_lib** (`.keras` archives and Keras 3 `.weights.h5`):
///   `layers/<key>/vars/0, 1, …` where `<key>` is the snake-cased *class*
///   name with a counter (`dense`, `dense_1`), not the layer name; recent
///   Keras 3 also records the layer name as the `name` attribute of `vars`.
struct KerasWeightStore {
    enum Layout: Equatable {
        case legacy(root: String)
        case savingLib(root: String)
    }

    let file: HDF5File
    let layout: Layout
    /// saving_lib: layer name → group key under the root.
    private var keys: [String: String] = [:]

    /// Detects the layout of `file` and indexes the layers of `model`.
    /// - Throws: ``FrontendError/malformed(path:reason:)`` when the file
    ///   holds no Keras weights.
    init(file: HDF5File, model: KerasModelConfig) throws(FrontendError) {
        self.file = file
        if file.isGroup("model_weights") {
            layout = .legacy(root: "model_weights")
        } else if try file.stringAttribute("layer_names") != nil {
            layout = .legacy(root: "")
        } else if let root = ["layers", "_layer_checkpoint_dependencies"].first(where: file.isGroup) {
            layout = .savingLib(root: root)
            keys = try KerasWeightStore.indexKeys(file: file, root: root, model: model)
        } else {
            throw .malformed(path: file.displayPath, reason: "no Keras weights found (expected a model_weights group, a layer_names attribute or a layers group)")
        }
    }

    /// Maps layer names to saving_lib group keys: from the `vars` groups'
    /// `name` attributes when present, else by counting class names in
    /// layer order as Keras does.
    private static func indexKeys(file: HDF5File, root: String, model: KerasModelConfig) throws(FrontendError) -> [String: String] {
        var byName: [String: String] = [:]
        for key in file.children(of: root) {
            if let name = try file.stringAttribute("name", of: "\(root)/\(key)/vars")?.first {
                byName[name] = key
            }
        }
        if !byName.isEmpty { return byName }
        var counts: [String: Int] = [:]
        var keys: [String: String] = [:]
        for layer in model.layers {
            let base = snakeCase(layer.className)
            let used = counts[base, default: 0]
            counts[base] = used + 1
            keys[layer.name] = used == 0 ? base : "\(base)_\(used)"
        }
        return keys
    }

    /// Keras' `to_snake_case`: `Conv2D` → `conv2d`, `BatchNormalization` →
    /// `batch_normalization`, `GlobalAveragePooling2D` → `global_average_pooling2d`.
    static func snakeCase(_ name: String) -> String {
        let characters = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
        var out = ""
        for (index, character) in characters.enumerated() {
            if index > 0, character.isUppercase {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                // "(.)([A-Z][a-z]+)" then "([a-z])([A-Z])"
                if (nextIsLower && previous != "_") || previous.isLowercase { out += "_" }
            }
            out.append(character)
        }
        return out.lowercased()
    }

    /// The weights of `layer` by role (`kernel`, `bias`, `gamma`, `beta`,
    /// `moving_mean`, `moving_variance`). `roles` lists the roles the layer
    /// owns in Keras' creation order (needed for saving_lib files, which
    /// store them by index). Missing roles are absent from the result.
    /// - Throws: ``FrontendError/missingWeight(layer:weight:path:)`` when the
    ///   file lists a weight whose dataset is gone; read errors.
    func weights(of layer: KerasLayer, roles: [String]) throws(FrontendError) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        switch layout {
        case .legacy(let root):
            let group = root.isEmpty ? layer.name : "\(root)/\(layer.name)"
            guard file.isGroup(group) else { return [:] }
            let names = try file.stringAttribute("weight_names", of: group) ?? []
            for weightName in names {
                var role = String(weightName.split(separator: "/").last ?? "")
                if role.hasSuffix(":0") { role.removeLast(2) }
                let path = "\(group)/\(weightName)"
                guard file.isDataset(path) else {
                    throw .missingWeight(layer: layer.name, weight: role, path: file.displayPath)
                }
                result[role] = try tensor(path, name: "\(layer.name)/\(role)")
            }
        case .savingLib(let root):
            guard let key = keys[layer.name] else { return [:] }
            let group = "\(root)/\(key)/vars"
            let stored = file.children(of: group).compactMap(Int.init).sorted()
            for (index, role) in roles.enumerated() where stored.contains(index) {
                result[role] = try tensor("\(group)/\(index)", name: "\(layer.name)/\(role)")
            }
        }
        return result
    }

    private func tensor(_ path: String, name: String) throws(FrontendError) -> Tensor {
        let (shape, values) = try file.dataset(path)
        let tensor = Tensor(shape: shape, scalars: values, elementType: .f32)
        if let bad = tensor.firstNonFinite { throw .nonFiniteWeight(name: name, index: bad.index, value: bad.value) }
        return tensor
    }
}
