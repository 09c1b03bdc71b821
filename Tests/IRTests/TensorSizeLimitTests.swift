import HepexcIR
import Testing

/// A tiny model must not declare a tensor of billions of values (issue 14 §5:
/// a 1.1 KB ONNX convolution padded by 3000 asked for 93 GB).
@Suite("Tensor size limit")
struct TensorSizeLimitTests {
    static func model(pad: Int) -> String {
        let side = 28 + 2 * pad - 2
        return """
        hepir 1
        model @padded {}

        const @w : tensor<64x1x3x3xf32> = elided

        graph(%x: tensor<?x1x28x28xf32>) -> (tensor<?x64x\(side)x\(side)xf32>) {
          %y = conv2d(%x, @w) {pads = [\(pad), \(pad), \(pad), \(pad)]} : tensor<?x64x\(side)x\(side)xf32>
          return %y
        }
        """
    }

    @Test("a huge padded convolution is refused by the verifier, a normal one passes")
    func hugeTensorsAreRefused() throws {
        try Graph(parsing: Self.model(pad: 1), file: "small.hepir").verify()
        #expect {
            try Graph(parsing: Self.model(pad: 3000), file: "huge.hepir").verify()
        } throws: { error in
            "\(error)".contains("values per sample") && "\(error)".contains("limit")
        }
    }
}
