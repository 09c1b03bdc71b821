import Foundation
import HepexcIR
import Testing

/// `activation` and `pad`: known answers, derivatives against central
/// differences, and hostile attributes refused by the verifier.
@Suite struct ActivationFunctionTests {
    @Test func knownValues() {
        func f(_ fn: ActivationFunction, _ x: Double) -> Double { fn(x, alpha: fn.defaultAlpha, beta: fn.defaultBeta) }
        #expect(abs(f(.gelu, 1) - 0.8413447460685429) < 1e-12)
        #expect(abs(f(.erf, 0.5) - 0.5204998778130465) < 1e-12)
        #expect(abs(f(.softplus, 0) - log(2)) < 1e-12)
        #expect(f(.softplus, 100) == 100)
        #expect(f(.hardSigmoid, 1) == 0.7 && f(.hardSigmoid, 10) == 1 && f(.hardSigmoid, -10) == 0)
        #expect(f(.relu6, 7) == 6 && f(.relu6, -1) == 0)
        #expect(abs(f(.selu, -1) - (-1.1113307378125625)) < 1e-8, "ONNX's float32 SELU constants")
        #expect(f(.clip, 5) == 5, "clip without bounds is the identity")
        #expect(abs(f(.geluTanh, 1) - 0.8411919906082768) < 1e-12)
    }

    @Test(arguments: ActivationFunction.allCases)
    func derivativeMatchesCentralDifference(_ fn: ActivationFunction) {
        let (alpha, beta) = fn == .clip ? (-0.7, 0.9) : (fn.defaultAlpha, fn.defaultBeta)
        // Points away from every kink (0, ±α, ±1, ±3, 6, clip bounds).
        for x in [-2.37, -1.43, -0.31, 0.23, 0.61, 1.37, 2.11] {
            let h = 1e-6
            let numeric = (fn(x + h, alpha: alpha, beta: beta) - fn(x - h, alpha: alpha, beta: beta)) / (2 * h)
            #expect(abs(fn.derivative(x, alpha: alpha, beta: beta) - numeric) < 1e-5 * max(1, abs(numeric)), "\(fn) at \(x)")
        }
    }

    @Test func padAndCropKnownAnswer() throws {
        let graph = try Graph(parsing: """
        hepir 1
        model @p

        graph(%x: tensor<?x1x2x2xf32>) -> (tensor<?x1x3x2xf32>) {
          %0 = pad(%x) {pads = [1, 0, 0, -0]} : tensor<?x1x3x2xf32>
          return %0
        }
        """)
        let out = try Interpreter(graph).run(["x": Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])])
        #expect(out["0"]?.scalars == [0, 0, 1, 2, 3, 4])
        let crop = try Graph(parsing: """
        hepir 1
        model @c

        graph(%x: tensor<?x1x2x2xf32>) -> (tensor<?x1x1x1xf32>) {
          %0 = pad(%x) {pads = [0, -1, -1, 0]} : tensor<?x1x1x1xf32>
          return %0
        }
        """)
        #expect(try Interpreter(crop).run(["x": Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])])["0"]?.scalars == [2])
    }

    @Test(arguments: [
        "pads = [-9223372036854775808, 0, 0, 0]",
        "pads = [0, 0, -2, 0]",
        "pads = [1, 1]",
        #"fn = "swish""#,
    ])
    func hostileAttributesAreRefused(_ attributes: String) {
        let kind = attributes.hasPrefix("fn") ? "activation" : "pad"
        let text = """
        hepir 1
        model @h

        graph(%x: tensor<?x1x2x2xf32>) -> (tensor<?x1x2x2xf32>) {
          %0 = \(kind)(%x) {\(attributes)} : tensor<?x1x2x2xf32>
          return %0
        }
        """
        #expect(throws: (any Error).self, "\(attributes)") {
            let graph = try Graph(parsing: text)
            try graph.verify()
        }
    }
}
