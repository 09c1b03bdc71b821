public import HepexcIR
public import HepexcPlan

/// A `dense` or `conv2d` whose weight the HE-PEx passes prune, viewed as a
/// matrix `[rows, columns]` (dense `[out, in]`; conv `[O, I·kh·kw]`, as a
/// tile mask reads it, docs/ir.md) and cut into the blocks of its plan form:
/// Type A t1×t2 blocks of W, Type B t2×t1 blocks of W (t1×t2 of Wᵀ).
public struct PrunableLayer: Sendable, Equatable {
    /// The operation's result name (the layer's name in reports).
    public var name: String
    public var operationIndex: Int
    public var kind: OpKind
    public var weight: String
    public var bias: String?
    public var rows: Int
    public var columns: Int
    public var form: FCForm
    /// Block extent along W's rows and columns.
    public var rowBlock: Int
    public var columnBlock: Int

    public var gridRows: Int { (rows + rowBlock - 1) / rowBlock }
    public var gridColumns: Int { (columns + columnBlock - 1) / columnBlock }
    public var tileCount: Int { gridRows * gridColumns }

    /// The tile index of matrix entry (r, c).
    @inline(__always) public func tile(row r: Int, column c: Int) -> Int {
        (r / rowBlock) * gridColumns + c / columnBlock
    }

    /// Every prunable layer of `graph` with its blocks for tile `t1×t2`
    /// (`nil`: 1×1 blocks, for passes that ignore tiles).
    public static func layers(in graph: Graph, tile: (t1: Int, t2: Int)?, firstForm: FCForm? = nil, diagonal: Bool = true,
                              pass: String) throws(PassError) -> [PrunableLayer] {
        let forms = PlanCompiler.layerForms(of: graph, firstForm: firstForm, diagonal: diagonal, tile: tile)
        var result: [PrunableLayer] = []
        var seen = Set<String>()
        for (index, operation) in graph.operations.enumerated() where operation.kind == .dense || operation.kind == .conv2d {
            guard case .constant(let weight) = operation.operands[1], !seen.contains(weight) else { continue }
            seen.insert(weight)
            guard let constant = graph.constants[weight], let shape = constant.type.staticShape, shape.count >= 2 else { continue }
            guard constant.value != nil else {
                throw .failed(pass: pass, position: 0, reason: "@\(Identifier.printable(weight)) is elided; pruning needs the weights")
            }
            var bias: String?
            if operation.operands.count > 2, case .constant(let name) = operation.operands[2] { bias = name }
            let form = forms[operation.result] ?? .typeA
            let (t1, t2) = tile ?? (1, 1)
            result.append(PrunableLayer(name: operation.result, operationIndex: index, kind: operation.kind, weight: weight,
                                        bias: bias, rows: shape[0], columns: shape.dropFirst().reduce(1, *), form: form,
                                        rowBlock: form == .typeA ? t1 : t2, columnBlock: form == .typeA ? t2 : t1))
        }
        return result
    }

    /// The weight's values (row-major `[rows, columns]`).
    public func values(in graph: Graph) -> [Double] { graph.constants[weight]?.value?.scalars ?? [] }

    /// The current 0/1 mask as one value per entry: the weight's mask
    /// constant (element or tile granularity) or all ones.
    public func mask(in graph: Graph) -> [Double] {
        PruningMasks.elementMask(of: weight, in: graph) ?? Array(repeating: 1, count: rows * columns)
    }

    /// Per tile: entries and non-zero entries of the weight.
    public func tileCounts(_ values: [Double]) -> (entries: [Int], nonZero: [Int]) {
        var entries = [Int](repeating: 0, count: tileCount), nonZero = [Int](repeating: 0, count: tileCount)
        for r in 0..<rows {
            for c in 0..<columns {
                let t = tile(row: r, column: c)
                entries[t] += 1
                if values[r * columns + c] != 0 { nonZero[t] += 1 }
            }
        }
        return (entries, nonZero)
    }
}

/// Reading and writing weight masks and the trained copy that `expand`
/// restores (docs/hepex.md, "Masks and trained values").
public enum PruningMasks {
    /// Attribute on a weight naming the constant that holds its values from
    /// before the first pruning step.
    public static let trainedAttribute = "trained"

    /// The weight's mask as one 0/1 value per entry, or `nil` without a mask.
    public static func elementMask(of weight: String, in graph: Graph) -> [Double]? {
        guard let constant = graph.constants[weight], let maskName = constant.attributes["mask"]?.stringValue,
              let mask = graph.constants[maskName], let values = mask.value?.scalars,
              let shape = constant.type.staticShape else { return nil }
        let rows = shape.first ?? 1, columns = shape.dropFirst().reduce(1, *)
        if mask.attributes["granularity"]?.stringValue == "tile" {
            guard let tile = mask.attributes["tile"]?.intsValue, tile.count == 2, tile[0] > 0, tile[1] > 0 else { return nil }
            let gridColumns = (columns + tile[1] - 1) / tile[1]
            var expanded = [Double](repeating: 0, count: rows * columns)
            for r in 0..<rows {
                for c in 0..<columns where (r / tile[0]) * gridColumns + c / tile[1] < values.count {
                    expanded[r * columns + c] = values[(r / tile[0]) * gridColumns + c / tile[1]]
                }
            }
            return expanded
        }
        return values.count == rows * columns ? values : nil
    }

    /// Sets an element mask on `weight`, zeroes the weight under it and, the
    /// first time, keeps the weight's current values as its trained copy.
    public static func apply(mask: [Double], to weight: String, in graph: inout Graph) {
        guard var constant = graph.constants[weight], var tensor = constant.value else { return }
        keepTrainedCopy(of: weight, in: &graph)
        constant = graph.constants[weight] ?? constant
        for index in tensor.scalars.indices where mask[index] == 0 { tensor.scalars[index] = 0 }
        let maskName = constant.attributes["mask"]?.stringValue ?? uniqueName(weight + ".mask", in: graph)
        constant.value = tensor
        constant.attributes["mask"] = .string(maskName)
        graph.constants[weight] = constant
        graph.constants[maskName] = Constant(Tensor(shape: tensor.shape, scalars: mask, elementType: .f32),
                                             attributes: ["granularity": .string("element")])
    }

    /// Stores the weight's values in `<weight>.trained` (once).
    public static func keepTrainedCopy(of weight: String, in graph: inout Graph) {
        guard var constant = graph.constants[weight], constant.attributes[trainedAttribute] == nil,
              let tensor = constant.value else { return }
        let name = uniqueName(weight + ".trained", in: graph)
        graph.constants[name] = Constant(tensor)
        constant.attributes[trainedAttribute] = .string(name)
        graph.constants[weight] = constant
    }

    static func uniqueName(_ base: String, in graph: Graph) -> String {
        var name = base
        while graph.constants[name] != nil { name += "_" }
        return name
    }
}

/// Parsing of the options the pruning passes share.
enum PruningOptions {
    static func tile(_ text: String?, pass: String) throws(PassError) -> (t1: Int, t2: Int) {
        let text = text ?? "16x16"
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let t1 = Int(parts[0]), let t2 = Int(parts[1]), t1 > 0, t2 > 0 else {
            throw .invalidOption(pass: pass, option: "tile", reason: "'\(text)' is not t1xt2 (e.g. 16x16)")
        }
        return (t1, t2)
    }

    static func ratio(_ text: String?, key: String = "ratio", pass: String, default fallback: Double) throws(PassError) -> Double {
        guard let text else { return fallback }
        guard let value = Double(text), value >= 0, value <= 1 else {
            throw .invalidOption(pass: pass, option: key, reason: "'\(text)' is not a number in [0, 1]")
        }
        return value
    }

    static func choice(_ text: String?, key: String, allowed: [String], pass: String) throws(PassError) -> String {
        guard let text else { return allowed[0] }
        guard allowed.contains(text) else {
            throw .invalidOption(pass: pass, option: key, reason: "'\(text)' is not one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    static func integer(_ text: String?, key: String, pass: String, default fallback: Int, minimum: Int = 0) throws(PassError) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), value >= minimum else {
            throw .invalidOption(pass: pass, option: key, reason: "'\(text)' is not an integer ≥ \(minimum)")
        }
        return value
    }

    static func flag(_ text: String?, key: String, pass: String, default fallback: Bool) throws(PassError) -> Bool {
        guard let text else { return fallback }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .invalidOption(pass: pass, option: key, reason: "'\(text)' is not true or false")
        }
    }

    static func form(_ text: String?, pass: String) throws(PassError) -> FCForm? {
        guard let text else { return nil }
        guard let form = FCForm(rawValue: text.uppercased()) else {
            throw .invalidOption(pass: pass, option: "first-form", reason: "'\(text)' is not A or B")
        }
        return form
    }
}
