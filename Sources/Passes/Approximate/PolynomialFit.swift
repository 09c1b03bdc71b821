/// Least-squares polynomial approximation of a scalar function on an
/// interval, for replacing non-polynomial activations (`approximate`).
///
/// The fit samples f at 2001 evenly spaced points of [a, b], solves the
/// normal equations in the scaled variable t = (2x − a − b)/(b − a) ∈ [−1, 1]
/// in the Chebyshev basis (well conditioned for every degree we allow), and
/// converts the result to monomial coefficients in x.
public struct PolynomialFit: Sendable, Equatable {
    /// c₀, c₁, … of Σ cᵢ·xⁱ.
    public var coefficients: [Double]
    /// The interval fitted.
    public var interval: ClosedRange<Double>
    /// max |p(x) − f(x)| over the samples.
    public var maxError: Double

    /// Largest degree `approximate` fits.
    public static let maximumDegree = 16
    static let samples = 2001

    /// Fits `function` on `interval` with a polynomial of `degree`.
    /// - Precondition: 1 ≤ degree ≤ ``maximumDegree``; a non-empty finite interval.
    public init(_ function: (Double) -> Double, degree: Int, interval: ClosedRange<Double>) {
        let (a, b) = (interval.lowerBound, interval.upperBound)
        let half = (b - a) / 2, mid = (a + b) / 2
        let n = degree + 1
        var normal = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var rhs = [Double](repeating: 0, count: n)
        var xs: [Double] = [], ys: [Double] = []
        for i in 0..<Self.samples {
            let t = -1 + 2 * Double(i) / Double(Self.samples - 1)
            let x = mid + half * t
            let y = function(x)
            xs.append(x)
            ys.append(y)
            let basis = Self.chebyshev(t, count: n)
            for r in 0..<n {
                rhs[r] += basis[r] * y
                for c in 0..<n { normal[r][c] += basis[r] * basis[c] }
            }
        }
        let weights = Self.solve(normal, rhs)
        // Chebyshev → monomials in t → monomials in x = mid + half·t.
        var inT = [Double](repeating: 0, count: n)
        var previous = [1.0], current = [0.0, 1.0]
        for k in 0..<n {
            let term = k == 0 ? previous : k == 1 ? current : {
                var next = [Double](repeating: 0, count: k + 1)
                for (i, c) in current.enumerated() { next[i + 1] += 2 * c }
                for (i, c) in previous.enumerated() { next[i] -= c }
                previous = current
                current = next
                return next
            }()
            for (i, c) in term.enumerated() { inT[i] += weights[k] * c }
        }
        // t = s·x + o with s = 1/half, o = −mid/half.
        let s = 1 / half, o = -mid / half
        var inX = [Double](repeating: 0, count: n)
        var power = [1.0]  // (s·x + o)^k
        for k in 0..<n {
            for (i, c) in power.enumerated() { inX[i] += inT[k] * c }
            var next = [Double](repeating: 0, count: power.count + 1)
            for (i, c) in power.enumerated() {
                next[i] += o * c
                next[i + 1] += s * c
            }
            power = next
        }
        coefficients = inX
        self.interval = interval
        var worst = 0.0
        for (x, y) in zip(xs, ys) {
            var p = 0.0
            for c in inX.reversed() { p = p * x + c }
            worst = max(worst, abs(p - y))
        }
        maxError = worst
    }

    /// T₀(t), …, T_{count−1}(t).
    static func chebyshev(_ t: Double, count: Int) -> [Double] {
        var values = [1.0, t]
        while values.count < count { values.append(2 * t * values[values.count - 1] - values[values.count - 2]) }
        return Array(values.prefix(count))
    }

    /// Gaussian elimination with partial pivoting (the matrix is symmetric
    /// positive definite for ≥ n distinct samples).
    static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
        var a = matrix, b = vector
        let n = b.count
        for column in 0..<n {
            var pivot = column
            for row in column..<n where abs(a[row][column]) > abs(a[pivot][column]) { pivot = row }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            let diagonal = a[column][column]
            guard diagonal != 0 else { continue }
            for row in (column + 1)..<n {
                let factor = a[row][column] / diagonal
                guard factor != 0 else { continue }
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = a[row][row] == 0 ? 0 : sum / a[row][row]
        }
        return x
    }
}
