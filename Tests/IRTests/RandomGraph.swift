import HepexcIR

/// Builds random graphs that are valid as far as shape inference goes: each
/// operation's type comes from `ShapeInference.resultType`. Names, constants,
/// attributes and metadata are chosen to stress the printer and parser:
/// names that need quoting, f64 and i64 constants, extreme and signed-zero
/// values, strings with escapes, non-finite attribute floats.
struct RandomGraphBuilder<RNG: RandomNumberGenerator> {
    var rng: RNG
    private var graph = Graph(name: "")
    private var values: [(name: String, type: TensorType)] = []
    private var valueNames = Set<String>()

    init(rng: RNG) { self.rng = rng }

    static func graph(using rng: inout RNG) -> Graph {
        var builder = RandomGraphBuilder(rng: rng)
        let graph = builder.build()
        rng = builder.rng
        return graph
    }

    // MARK: Random primitives

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    private mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < probability }
    private mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    private static var bareCharacters: [Character] { Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$-") }
    private static var otherCharacters: [Character] {
        [" ", ":", "/", "\"", "\\", "é", "\n", "\t", "\u{1}", "\u{7F}", "🙂", "%", "@", "{", "}", "=", ",", "#", "<", ">", "ß", "\r"]
    }

    /// A name; about one in four needs quoting.
    private mutating func name() -> String {
        let styles = [
            "w", "fc1.weight", "conv.bias", "onnx::Gemm_5", "/fc1/Gemm_output_0", "x", "0", "input.1", "-inf", "tensor",
        ]
        if chance(0.2) { return pick(styles) + (chance(0.5) ? String(int(0...99)) : "") }
        let length = int(1...8)
        var text = ""
        for _ in 0..<length {
            text.append(chance(0.85) ? pick(Self.bareCharacters) : pick(Self.otherCharacters))
        }
        return text
    }

    private mutating func freshValueName() -> String {
        while true {
            let candidate = name()
            if valueNames.insert(candidate).inserted { return candidate }
        }
    }

    private mutating func freshConstantName() -> String {
        while true {
            let candidate = name()
            if graph.constants[candidate] == nil { return candidate }
        }
    }

    private mutating func string() -> String {
        var text = ""
        for _ in 0..<int(0...10) {
            text.append(chance(0.7) ? pick(Self.bareCharacters) : pick(Self.otherCharacters))
        }
        return text
    }

    private mutating func finiteDouble() -> Double {
        if chance(0.5) {
            return pick([0.0, -0.0, 1e-30, -1e-30, 3.4028235e+38, 1.7976931348623157e+308, Double.leastNonzeroMagnitude,
                         2.2250738585072014e-308, 0.1, -0.5, 1.0, 1e-05, 123456789.0, 1e16, 9007199254740993.0])
        }
        while true {
            let value = Double(bitPattern: UInt64.random(in: .min ... .max, using: &rng))
            if value.isFinite { return value }
        }
    }

    private mutating func finiteFloat() -> Float {
        if chance(0.5) {
            return pick([Float(0), -0.0, 1e-30, -1e-30, 3.4028235e+38, -3.4028235e+38, Float.leastNonzeroMagnitude, 1.1754944e-38,
                         0.1, 0.2, 1.0, -1.5, 16_777_215])
        }
        while true {
            let value = Float(bitPattern: UInt32.random(in: .min ... .max, using: &rng))
            if value.isFinite { return value }
        }
    }

    private mutating func scalar(_ elementType: ElementType) -> Double {
        switch elementType {
        case .f32: return Double(finiteFloat())
        case .f64: return finiteDouble()
        case .i64:
            if chance(0.3) { return Double(pick([Int64.min, Int64.max, 0, -1, 1 << 53])) }
            return Double(Int64.random(in: -1_000_000...1_000_000, using: &rng))
        }
    }

    private mutating func attributeValue() -> AttributeValue {
        switch int(0...6) {
        case 0: return .int(chance(0.2) ? pick([Int.min, Int.max, 0, -1]) : int(-1000...1000))
        case 1: return .float(chance(0.1) ? pick([Double.infinity, -Double.infinity, Double.nan]) : finiteDouble())
        case 2: return .ints((0..<int(0...4)).map { _ in int(-50...50) })
        case 3: return .floats((0..<int(1...4)).map { _ in finiteDouble() })
        case 4: return .string(string())
        case 5: return .bool(chance(0.5))
        default: return .float(Double(finiteFloat()))
        }
    }

    /// Random extra attributes; keys never collide with `reserved`.
    private mutating func attributes(upTo count: Int, reserved: Set<String> = []) -> Attributes {
        var attributes: Attributes = [:]
        for _ in 0..<int(0...count) {
            let key = chance(0.7) ? pick(["opset", "producer", "note", "scale", "origin", "tile", "level", "true", "inf"]) : name()
            if !reserved.contains(key) { attributes[key] = attributeValue() }
        }
        return attributes
    }

    // MARK: Graph

    private mutating func build() -> Graph {
        graph.name = name()
        graph.metadata = attributes(upTo: 4)

        for _ in 0..<int(1...3) {
            let elementType: ElementType = chance(0.8) ? .f32 : .f64
            let type: TensorType
            if chance(0.5) {
                type = TensorType([nil, chance(0.9) ? int(1...8) : nil], elementType)
            } else {
                type = TensorType([nil, int(1...3), int(1...6), int(1...6)], elementType)
            }
            let input = GraphInput(name: freshValueName(), type: type)
            graph.inputs.append(input)
            values.append((input.name, input.type))
        }

        for _ in 0..<int(0...10) {
            if chance(0.15) { addUnusedConstant() }
            addOperation()
        }
        if chance(0.3) { addUnusedConstant() }

        let outputCount = chance(0.05) ? 0 : int(1...3)
        for _ in 0..<outputCount { graph.outputs.append(pick(values).name) }
        return graph
    }

    /// A constant of `shape` with random values; returns its name.
    private mutating func constant(_ shape: [Int], _ elementType: ElementType) -> String {
        let name = freshConstantName()
        let count = shape.reduce(1, *)
        var scalars: [Double] = []
        for _ in 0..<count { scalars.append(scalar(elementType)) }
        let tensor = Tensor(shape: shape, scalars: scalars, elementType: elementType)
        let attributes = chance(0.2) ? self.attributes(upTo: 2) : [:]
        graph.constants[name] = chance(0.1)
            ? Constant(type: tensor.type, value: nil, attributes: attributes)
            : Constant(tensor, attributes: attributes)
        return name
    }

    private mutating func addUnusedConstant() {
        let elementType = pick(ElementType.allCases)
        let shape = (0..<int(0...3)).map { _ in int(0...5) }
        if chance(0.1) {
            var dimensions = shape.map { Optional($0) }
            dimensions.insert(nil, at: 0)
            graph.constants[freshConstantName()] = Constant(
                type: TensorType(dimensions, elementType), value: nil, attributes: attributes(upTo: 2))
        } else {
            _ = constant(shape, elementType)
        }
    }

    private mutating func addOperation() {
        let (input, x) = pick(values)
        let kind = pick(OpKind.allCases)
        let element = x.elementType == .i64 ? ElementType.f32 : x.elementType
        let dims = x.dimensions
        var operands: [Operand] = [.value(input)]
        var attributes: Attributes = [:]

        switch kind {
        case .dense:
            guard x.rank == 2 else { return }
            let inFeatures = dims[1] ?? int(1...4)
            let out = int(1...4)
            operands.append(.constant(constant([out, inFeatures], element)))
            if chance(0.7) { operands.append(.constant(constant([out], element))) }
        case .conv2d:
            guard x.rank == 4, let channels = dims[1], let height = dims[2], let width = dims[3] else { return }
            let kh = int(1...min(3, height)), kw = int(1...min(3, width))
            let out = int(1...3)
            operands.append(.constant(constant([out, channels, kh, kw], element)))
            if chance(0.5) { operands.append(.constant(constant([out], element))) }
            if chance(0.5) { attributes["strides"] = .ints([int(1...2), int(1...2)]) }
            if chance(0.5) { attributes["pads"] = .ints((0..<4).map { _ in int(0...1) }) }
        case .add, .sub, .mul:
            if chance(0.4) {
                let sameType = values.filter { $0.type == x }
                operands.append(.value(pick(sameType).name))
            } else {
                // A constant broadcasting against x: a suffix of its shape, some axes 1.
                let suffix = Array(dims.dropFirst(int(1...x.rank)))
                let shape = suffix.map { dim in chance(0.3) ? 1 : (dim ?? 1) }
                operands.append(.constant(constant(shape, element)))
            }
            if chance(0.5) { operands.reverse() }
        case .poly:
            attributes["coeffs"] = chance(0.3)
                ? .ints((0..<int(1...3)).map { _ in int(-3...3) })
                : .floats((0..<int(1...4)).map { _ in Double(finiteFloat()) })
        case .relu, .sigmoid, .tanh:
            break
        case .activation:
            attributes["fn"] = .string(pick(ActivationFunction.allCases).rawValue)
            if chance(0.3) { attributes["alpha"] = .float(Double(finiteFloat())) }
        case .pad:
            guard x.rank == 4, let height = dims[2], let width = dims[3], height > 1, width > 1 else { return }
            attributes["pads"] = .ints([int(-1...2), int(-1...2), int(0...2), int(0...2)])
        case .avgpool2d, .maxpool2d:
            guard x.rank == 4, let height = dims[2], let width = dims[3] else { return }
            let kernel = [int(1...min(3, height)), int(1...min(3, width))]
            attributes["kernel"] = .ints(kernel)
            if chance(0.5) { attributes["strides"] = .ints([int(1...2), int(1...2)]) }
            if chance(0.3) {
                attributes["pads"] = .ints([int(0...(kernel[0] - 1)), int(0...(kernel[1] - 1)),
                                            int(0...(kernel[0] - 1)), int(0...(kernel[1] - 1))])
            }
            if kind == .avgpool2d, chance(0.5) { attributes["count_include_pad"] = .bool(chance(0.5)) }
        case .globalAvgpool:
            guard x.rank == 4 else { return }
        case .batchnorm:
            guard x.rank >= 2, let channels = dims[1] else { return }
            for _ in 0..<4 { operands.append(.constant(constant([channels], element))) }
            if chance(0.7) { attributes["epsilon"] = .float(pick([1e-05, 0.001, 0.0])) }
        case .reshape:
            guard let items = x.elementsPerItem, items > 0 else { return }
            let divisors = (1...items).filter { items % $0 == 0 }
            let first = pick(divisors)
            attributes["shape"] = .ints(first == items || chance(0.3) ? [items] : [first, items / first])
        case .transpose:
            guard x.rank >= 1 else { return }
            var rest = Array(1..<x.rank)
            rest.shuffle(using: &rng)
            attributes["perm"] = .ints([0] + rest)
        case .permute:
            guard x.rank >= 2, let axisExtent = x.dimensions.last ?? nil else { return }
            var perm = Array(0..<axisExtent)
            perm.shuffle(using: &rng)
            attributes["axis"] = .int(x.rank - 1)
            attributes["perm"] = .ints(perm)
        case .softmax, .argmax:
            guard x.rank >= 2 else { return }
            if chance(0.7) { attributes["axis"] = .int(int(1...(x.rank - 1))) }
            if kind == .argmax, chance(0.5) { attributes["keepdims"] = .bool(chance(0.5)) }
        }

        if chance(0.2) {
            attributes.merge(self.attributes(upTo: 2, reserved: Set(attributes.keys))) { old, _ in old }
        }
        let operandTypes: [TensorType] = operands.compactMap { operand in
            switch operand {
            case .value(let name): return values.first { $0.name == name }?.type
            case .constant(let name): return graph.constants[name]?.type
            }
        }
        let result = freshValueName()
        guard let type = try? ShapeInference.resultType(of: kind, result: result, operands: operandTypes,
                                                        attributes: attributes) else { return }
        graph.operations.append(Operation(result: result, kind: kind, operands: operands, attributes: attributes, type: type))
        values.append((result, type))
    }
}

extension Graph {
    /// The graph as parsing `printed(options)` should return it: constants
    /// whose values are elided lose them.
    func eliding(_ options: PrintOptions) -> Graph {
        var copy = self
        guard case .elided(let limit) = options.weights else { return copy }
        for name in copy.constants.keys {
            if let value = copy.constants[name]?.value, value.count > limit {
                copy.constants[name]?.value = nil
            }
        }
        return copy
    }
}

enum RandomGraphs {
    /// A random graph drawn from `rng` (see ``RandomGraphBuilder``).
    static func graph(using rng: inout some RandomNumberGenerator) -> Graph {
        RandomGraphBuilder.graph(using: &rng)
    }
}
