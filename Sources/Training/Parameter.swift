/// A trainable tensor (or a batch-norm running statistic) with its gradient
/// and optional fixed 0/1 mask.
///
/// Parameters are shared by reference: a constant read by two operations is
/// one parameter whose gradient both accumulate.
final class Parameter {
    /// Where the values live in the IR.
    enum Origin: Equatable {
        /// A named constant `@name`.
        case constant(String)
        /// The `coeffs` attribute of the operation whose result is `%name`.
        case polynomial(String)
    }

    let origin: Origin
    let shape: [Int]
    var values: [Float]
    var gradient: [Float]
    /// Optimiser state: SGD velocity or Adam's first moment, and Adam's second moment.
    var moment1: [Float] = []
    var moment2: [Float] = []
    /// The element mask (1 = trainable, 0 = fixed at zero), expanded from the
    /// IR's element or tile mask.
    var mask: [Float]?
    /// Whether the optimiser updates it (false for batch-norm running statistics).
    let isTrainable: Bool
    /// Whether weight decay applies (dense and conv weights only).
    let decays: Bool

    init(origin: Origin, shape: [Int], values: [Float], isTrainable: Bool = true, decays: Bool = false) {
        self.origin = origin
        self.shape = shape
        self.values = values
        self.gradient = Array(repeating: 0, count: values.count)
        self.isTrainable = isTrainable
        self.decays = decays
    }

    var name: String {
        switch origin {
        case .constant(let name): return "@" + name
        case .polynomial(let name): return "%" + name + ".coeffs"
        }
    }

    /// Sets masked entries to exactly zero.
    func applyMask() {
        guard let mask else { return }
        for index in values.indices where mask[index] == 0 { values[index] = 0 }
    }

    func zeroGradient() {
        gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
