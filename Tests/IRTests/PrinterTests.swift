import HepexcIR
import Testing

@Suite("Textual IR printer")
struct PrinterTests {
    /// The example from docs/ir.md's introduction, built in code.
    private static func mlp(biasCount: Int = 32) -> Graph {
        let bias = Tensor(shape: [biasCount], scalars: (0..<biasCount).map { Double(Float($0) / 10) })
        return Graph(
            name: "mlp_square",
            metadata: ["producer": .string("pytorch 2.13.0"), "opset": .int(17)],
            constants: [
                "fc1.weight": Constant(Tensor(zeros: [biasCount, 64])),
                "fc1.bias": Constant(bias),
                "fc1.mask": Constant(Tensor(shape: [2, 2], scalars: [1, 0, 1, 1]), attributes: ["granularity": .string("tile")]),
            ],
            inputs: [GraphInput(name: "input", type: TensorType([nil, 64]))],
            operations: [
                Operation(result: "0", kind: .dense, operands: [.value("input"), .constant("fc1.weight"), .constant("fc1.bias")],
                          type: TensorType([nil, biasCount])),
                Operation(result: "logits", kind: .poly, operands: [.value("0")],
                          attributes: ["coeffs": .floats([0, 0, 1])], type: TensorType([nil, biasCount])),
            ],
            outputs: ["logits"])
    }

    @Test("Default printing elides constants with more than 16 elements")
    func defaultElision() {
        #expect(Self.mlp().printed() == """
            hepir 1
            model @mlp_square {opset = 17, producer = "pytorch 2.13.0"}

            const @fc1.weight : tensor<32x64xf32> = elided
            const @fc1.bias : tensor<32xf32> = elided
            const @fc1.mask : tensor<2x2xf32> {granularity = "tile"} = dense<[1.0, 0.0, 1.0, 1.0]>

            graph(%input: tensor<?x64xf32>) -> (tensor<?x32xf32>) {
              %0 = dense(%input, @fc1.weight, @fc1.bias) : tensor<?x32xf32>
              %logits = poly(%0) {coeffs = [0.0, 0.0, 1.0]} : tensor<?x32xf32>
              return %logits
            }

            """)
    }

    @Test("The elision threshold is inclusive: 16 values print, 17 do not")
    func elisionThreshold() {
        let sixteen = Self.mlp(biasCount: 16).printed()
        #expect(sixteen.contains("const @fc1.bias : tensor<16xf32> = dense<[0.0, 0.1, 0.2, "))
        let seventeen = Self.mlp(biasCount: 17).printed()
        #expect(seventeen.contains("const @fc1.bias : tensor<17xf32> = elided"))
        #expect(Self.mlp(biasCount: 17).printed(PrintOptions(weights: .elided(above: 17)))
            .contains("const @fc1.bias : tensor<17xf32> = dense<[0.0, 0.1, "))
        #expect(Self.mlp().printed(PrintOptions(weights: .elided(above: 0)))
            .contains("const @fc1.mask : tensor<2x2xf32> {granularity = \"tile\"} = elided"))
        let all = Self.mlp().printed(PrintOptions(weights: .all))
        #expect(all.contains("const @fc1.weight : tensor<32x64xf32> = dense<[0.0, 0.0, "))
        #expect(PrintOptions() == PrintOptions(weights: .elided(above: 16)))
    }

    @Test("A constant without a value prints elided even with .all")
    func nilValue() {
        var graph = Self.mlp()
        graph.constants["fc1.mask"]?.value = nil
        #expect(graph.printed(PrintOptions(weights: .all))
            .contains("const @fc1.mask : tensor<2x2xf32> {granularity = \"tile\"} = elided\n"))
    }

    @Test("Empty metadata and an empty constant section are omitted")
    func minimal() {
        let graph = Graph(name: "id", inputs: [GraphInput(name: "x", type: TensorType([nil, 2]))], outputs: ["x"])
        #expect(graph.printed() == """
            hepir 1
            model @id

            graph(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>) {
              return %x
            }

            """)
        #expect(Graph(name: "empty").printed() == "hepir 1\nmodel @empty\n\ngraph() -> () {\n  return\n}\n")
    }

    @Test("Rank-0 constants and element types print with ElementType.format")
    func scalarsAndElementTypes() {
        let graph = Graph(name: "s", constants: [
            "half": Constant(Tensor(shape: [], scalars: [0.5])),
            "third": Constant(Tensor(shape: [1], scalars: [1.0 / 3], elementType: .f64)),
            "third32": Constant(Tensor(shape: [1], scalars: [Double(Float(1.0 / 3))])),
            "index": Constant(Tensor(shape: [2], scalars: [3, -9_007_199_254_740_992], elementType: .i64)),
            "extremes": Constant(Tensor(shape: [3], scalars: [-0.0, 1e-30, Double(Float.greatestFiniteMagnitude)], elementType: .f64)),
        ])
        let text = graph.printed()
        #expect(text.contains("const @half : tensor<f32> = dense<[0.5]>\n"))
        #expect(text.contains("const @third : tensor<1xf64> = dense<[0.3333333333333333]>\n"))
        #expect(text.contains("const @third32 : tensor<1xf32> = dense<[0.33333334]>\n"))
        #expect(text.contains("const @index : tensor<2xi64> = dense<[3, -9007199254740992]>\n"))
        #expect(text.contains("const @extremes : tensor<3xf64> = dense<[-0.0, 1e-30, 3.4028234663852886e+38]>\n"))
    }

    @Test("Attributes sort by key; keys that are not words are quoted")
    func attributeOrderAndKeys() {
        let operation = Operation(result: "r", kind: .avgpool2d, operands: [.value("x")],
                                  attributes: ["strides": .ints([2, 2]), "kernel": .ints([2, 2]),
                                               "count_include_pad": .bool(true), "1st": .string("a\nb"),
                                               "onnx::name": .float(1e-5), "a-b.c": .floats([])],
                                  type: TensorType([nil, 1, 2, 2]))
        #expect(operation.printed() == #"%r = avgpool2d(%x) {"1st" = "a\nb", a-b.c = [], count_include_pad = true, kernel = [2, 2], "onnx::name" = 1e-05, strides = [2, 2]} : tensor<?x1x2x2xf32>"#)
    }

    @Test("Names that are not bare are quoted after the sigil")
    func quotedNames() {
        let operation = Operation(result: "/fc1/Gemm_output_0", kind: .dense,
                                  operands: [.value("input.1"), .constant("onnx::Gemm_5")], type: TensorType([nil, 8]))
        #expect(operation.printed() == #"%"/fc1/Gemm_output_0" = dense(%input.1, @"onnx::Gemm_5") : tensor<?x8xf32>"#)
        #expect(Graph(name: "my model").printed().hasPrefix("hepir 1\nmodel @\"my model\"\n"))
    }

    @Test("An undefined output prints a marker that does not parse")
    func undefinedOutput() {
        let graph = Graph(name: "broken", outputs: ["nowhere"])
        let text = graph.printed()
        #expect(text.contains("graph() -> (<undefined>) {\n  return %nowhere\n}"))
        #expect(throws: IRError.self) { try Graph(parsing: text) }
    }
}
