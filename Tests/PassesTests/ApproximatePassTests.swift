import Foundation
import HepexcIR
import HepexcPasses
import Testing

/// The `approximate` pass: least-squares fits (known answers and error
/// bounds), the replacements it makes, and each option refusal's message.
@Suite struct ApproximatePassTests {
    @Test func fitsAPolynomialExactly() {
        // A cubic is its own best cubic.
        let fit = PolynomialFit({ 1 - 2 * $0 + 0.5 * $0 * $0 * $0 }, degree: 3, interval: -3...5)
        for (got, want) in zip(fit.coefficients, [1, -2, 0, 0.5]) { #expect(abs(got - want) < 1e-9) }
        #expect(fit.maxError < 1e-9)
    }

    @Test func reluPoly2IsTheKnownLeastSquaresFit() {
        // Discrete least squares of max(0, x) on [-1, 1] → ≈ 0.094 + 0.5x + 0.469x² (continuous: 3/32 + x/2 + 15/32 x²).
        let fit = PolynomialFit({ max(0, $0) }, degree: 2, interval: -1...1)
        #expect(abs(fit.coefficients[0] - 3.0 / 32) < 2e-3)
        #expect(abs(fit.coefficients[1] - 0.5) < 1e-9)
        #expect(abs(fit.coefficients[2] - 15.0 / 32) < 2e-3)
    }

    @Test func errorShrinksWithDegree() {
        let sigmoid: (Double) -> Double = { 1 / (1 + exp(-$0)) }
        let errors = [1, 3, 5, 7].map { PolynomialFit(sigmoid, degree: $0, interval: -6...6).maxError }
        #expect(zip(errors, errors.dropFirst()).allSatisfy { $0 > $1 }, "\(errors)")
        #expect(errors[3] < 0.02)
        let gelu = PolynomialFit({ ActivationFunction.gelu($0, alpha: 0, beta: 0) }, degree: 4, interval: -4...4)
        #expect(gelu.maxError < 0.15)
    }

    @Test func replacesNamedActivationsAndMaxPool() throws {
        let text = """
        hepir 1
        model @m

        graph(%x: tensor<?x1x4x4xf32>) -> (tensor<?x1x2x2xf32>) {
          %0 = relu(%x) : tensor<?x1x4x4xf32>
          %1 = activation(%0) {fn = "softplus"} : tensor<?x1x4x4xf32>
          %2 = maxpool2d(%1) {kernel = [2, 2]} : tensor<?x1x2x2xf32>
          %3 = sigmoid(%2) : tensor<?x1x2x2xf32>
          return %3
        }
        """
        var graph = try Graph(parsing: text)
        var pass = try ApproximatePass(options: ["relu": "poly2", "softplus": "poly4", "maxpool": "avgpool"])
        pass.observedRanges["0"] = -2...3
        try pass.run(on: &graph)
        try graph.verify()
        #expect(graph.operations.map(\.kind) == [.poly, .poly, .avgpool2d, .sigmoid], "sigmoid was not named")
        let expected = PolynomialFit({ max(0, $0) }, degree: 2, interval: -2...3).coefficients
        #expect(graph.operations[0].attributes["coeffs"]?.doublesValue == expected, "relu fitted on its observed range")
        let fallback = PolynomialFit({ ActivationFunction.softplus($0, alpha: 0, beta: 0) }, degree: 4, interval: -4...4)
        #expect(graph.operations[1].attributes["coeffs"]?.doublesValue == fallback.coefficients, "softplus on the default range")
    }

    @Test(arguments: [
        (["relu": "poly0"], "pass approximate: option 'relu': 'poly0' is not polyN with 1 ≤ N ≤ 16"),
        (["sigmoid": "cheb3"], "pass approximate: option 'sigmoid': 'cheb3' is not polyN with 1 ≤ N ≤ 16"),
        (["maxpool": "minpool"], "pass approximate: option 'maxpool': 'minpool' (the only replacement is avgpool)"),
        (["range": "3:-3"], "pass approximate: option 'range': '3:-3' is not LO:HI with LO < HI"),
    ])
    func refusesBadOptions(_ options: [String: String], _ message: String) {
        #expect { _ = try ApproximatePass(options: options) } throws: { "\($0)" == message }
    }

    @Test func refusesUnknownActivationNames() {
        #expect { _ = try ApproximatePass(options: ["swish": "poly2"]) } throws: { error in
            "\(error)".hasPrefix("pass approximate: option 'swish': unknown option (known: celu, clip, elu, erf, exponential, gelu,")
        }
    }

    @Test func encryptabilityCheckNamesTheFlag() throws {
        let graph = try Graph(parsing: """
        hepir 1
        model @m

        graph(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>) {
          %0 = relu(%x) : tensor<?x4xf32>
          return %0
        }
        """)
        #expect { try PlanCompiler.checkEncryptable(graph) } throws: { error in
            "\(error)".contains("%0 (relu): approximate it by a polynomial: compile --approximate relu=poly2 (add --retrain --data TRAIN to fine-tune)")
        }
    }
}
