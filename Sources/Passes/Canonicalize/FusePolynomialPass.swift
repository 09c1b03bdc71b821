public import HepexcIR

/// `fuse-poly`: collapses element-wise chains on one value — `mul(%a, %a)`,
/// multiplication or addition of scalar constants, nested `poly` — into a
/// single `poly` op with the composed coefficients.
///
/// Exporters spell a polynomial activation such as 0.5 + 0.25x + 0.125x² as
/// a Mul/Add/Pow chain; HE evaluation wants it as one polynomial so that it
/// can be evaluated with minimal depth.
///
/// ```
/// %1 = mul(%0, %0) : tensor<?x8xf32>
/// %2 = mul(%1, @c) : tensor<?x8xf32>      // @c = dense<[0.125]>, shape [1]
/// ```
/// becomes `%2 = poly(%0) {coeffs = [0.0, 0.0, 0.125]}`; `dce` then removes `%1`.
public struct FusePolynomialPass: Pass {
    public static let name = "fuse-poly"
    public static let summary = "merge element-wise Mul/Add/Pow chains on one value into a single poly op"
    public static let optionHelp = [(key: "max-degree", help: "largest degree a fused polynomial may reach (default 32)")]

    public var maxDegree = 32

    public init(options: [String: String]) throws(PassError) {
        try Self.checkKeys(options)
        if let text = options["max-degree"] {
            guard let value = Int(text), value >= 1 else {
                throw .invalidOption(pass: Self.name, option: "max-degree", reason: "'\(text)' is not a positive integer")
            }
            maxDegree = value
        }
    }

    public init() { }

    public var options: [String: String] { maxDegree == 32 ? [:] : ["max-degree": String(maxDegree)] }

    public func run(on graph: inout Graph) throws(PassError) {
        let types = graph.valueTypes
        // Each fusable value as a polynomial of a root value.
        var forms: [String: (root: String, poly: Polynomial)] = [:]
        func form(of name: String) -> (root: String, poly: Polynomial) {
            forms[name] ?? (name, .identity)
        }
        func scalar(_ operand: Operand, against value: String) -> Double? {
            guard case .constant(let name) = operand, let tensor = graph.constants[name]?.value,
                  tensor.count == 1, let valueRank = types[value]?.rank, tensor.rank <= valueRank else { return nil }
            return tensor.scalars[0]
        }
        for index in graph.operations.indices {
            let operation = graph.operations[index]
            guard let candidate = fusedForm(operation, form: form, scalar: scalar),
                  candidate.poly.degree <= maxDegree,
                  types[candidate.root] == operation.type else { continue }
            forms[operation.result] = candidate
            if candidate.poly == .identity, candidate.root == operation.result { continue }
            graph.operations[index] = Operation(result: operation.result, kind: .poly, operands: [.value(candidate.root)],
                                                attributes: ["coeffs": .floats(candidate.poly.coefficients)],
                                                type: operation.type)
        }
    }

    private func fusedForm(_ operation: Operation,
                           form: (String) -> (root: String, poly: Polynomial),
                           scalar: (Operand, String) -> Double?) -> (root: String, poly: Polynomial)? {
        let operands = operation.operands
        switch operation.kind {
        case .poly:
            guard case .value(let x) = operands[0], let coefficients = operation.attributes["coeffs"]?.doublesValue else { return nil }
            let inner = form(x)
            return (inner.root, Polynomial(coefficients).composed(with: inner.poly))
        case .add, .sub, .mul:
            guard case .value(let x) = operands[0] else { return nil }
            let left = form(x)
            let right: (root: String, poly: Polynomial)
            switch operands[1] {
            case .value(let y):
                right = form(y)
                guard right.root == left.root else { return nil }
            case .constant:
                guard let c = scalar(operands[1], x) else { return nil }
                right = (left.root, .constant(c))
            }
            switch operation.kind {
            case .add: return (left.root, left.poly + right.poly)
            case .sub: return (left.root, left.poly - right.poly)
            default: return (left.root, left.poly * right.poly)
            }
        default:
            return nil
        }
    }
}
