/// The client's affine feature map x′ = (x − mean)·scale, fitted on the
/// training set: centre (and, for `.standard`, standardise) each feature,
/// then divide by the largest training-row norm so every training row has
/// norm ≤ 1 (the softmax domain's premise). Features constant on the
/// training set map to 0.
struct FeatureNormaliser: Sendable, Equatable {
    var mean: [Double]
    var scale: [Double]

    static func fit(_ rows: [[Double]], kind: FeatureNormalisation) -> FeatureNormaliser {
        let width = rows.first?.count ?? 0
        guard kind != .none, !rows.isEmpty else {
            return FeatureNormaliser(mean: Array(repeating: 0, count: width), scale: Array(repeating: 1, count: width))
        }
        let n = Double(rows.count)
        let mean = (0..<width).map { j in rows.reduce(0) { $0 + $1[j] } / n }
        let deviation = (0..<width).map { j in (rows.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) } / n).squareRoot() }
        var scale = deviation.map { $0 > 1e-12 ? (kind == .standard ? 1 / $0 : 1) : 0 }
        let standardised = FeatureNormaliser(mean: mean, scale: scale)
        let largest = rows.map { standardised.apply($0).reduce(0) { $0 + $1 * $1 }.squareRoot() }.max() ?? 1
        if largest > 0 { scale = scale.map { $0 / largest } }
        return FeatureNormaliser(mean: mean, scale: scale)
    }

    func apply(_ row: [Double]) -> [Double] { zip(row, zip(mean, scale)).map { ($0 - $1.0) * $1.1 } }
}
