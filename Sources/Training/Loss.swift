/// The training objective.
public enum Loss: String, Sendable, Codable, CaseIterable {
    /// Softmax cross-entropy against class indices, averaged over the batch.
    case crossEntropy = "cross-entropy"
    /// Mean over all elements of (output − target)².
    case meanSquaredError = "mse"

    /// The loss of a batch, its gradient with respect to `output`, and (for
    /// cross-entropy) how many arg-maxes equal the label.
    struct Evaluation {
        var loss: Double
        var gradient: TrainingTensor
        var correct: Int
    }

    func evaluate(_ output: TrainingTensor, labels: [Int]?, targets: [Float]?) -> Evaluation {
        switch self {
        case .crossEntropy:
            return Loss.crossEntropy(output, labels: labels ?? [])
        case .meanSquaredError:
            return Loss.meanSquared(output, targets: targets ?? [])
        }
    }

    static func crossEntropy(_ logits: TrainingTensor, labels: [Int]) -> Evaluation {
        let batch = logits.batch, classes = logits.itemCount
        var gradient = [Float](repeating: 0, count: logits.count)
        var total = 0.0
        var correct = 0
        for b in 0..<batch {
            let base = b * classes
            var peak = -Float.infinity
            var best = 0
            for k in 0..<classes where logits.values[base + k] > peak {
                peak = logits.values[base + k]
                best = k
            }
            if best == labels[b] { correct += 1 }
            var sum: Float = 0
            for k in 0..<classes {
                let e = PolynomialLayer.exp(logits.values[base + k] - peak)
                gradient[base + k] = e
                sum += e
            }
            total += Double(PolynomialLayer.log(sum) + peak - logits.values[base + labels[b]])
            let scale = 1 / (sum * Float(batch))
            for k in 0..<classes { gradient[base + k] *= scale }
            gradient[base + labels[b]] -= 1 / Float(batch)
        }
        return Evaluation(loss: total / Double(max(batch, 1)),
                          gradient: TrainingTensor(shape: logits.shape, values: gradient), correct: correct)
    }

    static func meanSquared(_ output: TrainingTensor, targets: [Float]) -> Evaluation {
        let n = Float(max(output.count, 1))
        var gradient = [Float](repeating: 0, count: output.count)
        var total = 0.0
        for index in 0..<output.count {
            let difference = output.values[index] - targets[index]
            total += Double(difference * difference)
            gradient[index] = 2 * difference / n
        }
        return Evaluation(loss: total / Double(n), gradient: TrainingTensor(shape: output.shape, values: gradient), correct: 0)
    }
}
