import Foundation
import HepexcCKKS
import HepexcExecutor
import HepexcPlan
import Testing
import _HepexcTestSupport

/// The `.hepx` container and payload format (Sources/Plan, docs/plan-format.md) pinned by a
/// digest, and plan files of every version this build reads kept as fixtures that must still
/// load and run (simulated backend) to their recorded outputs.
@Suite struct PlanFormatContractTests {
    static let bump = "the .hepx byte format changed: if intended, bump Plan.formatVersion (Sources/Plan/Plan.swift), "
        + "keep reading older versions, add a fixture of the new version under Tests/ExecutorTests/Fixtures, "
        + "update docs/plan-format.md, then this pinned value"

    /// A small plan built by hand (not by the compiler, so lowering changes do not touch it) with
    /// every kind of field: forms B, D, A (not last) and B (last), a polynomial, a bias, absent
    /// zero tiles, both permutations and a client tail. Values are dyadic, so they print exactly.
    static func handBuiltPlan() -> Plan {
        let tile = TileShape(t1: 2, t2: 2, t3: 2)
        let layers: [PlanLayer] = [
            .fullyConnected(FullyConnectedLayer(name: "d0", form: .typeB, inFeatures: 4, outFeatures: 2, gridRows: 2, gridCols: 1,
                                                tiles: [WeightTile(row: 0, col: 0, values: [0.5, -0.25, 1, 0.125]),
                                                        WeightTile(row: 1, col: 0, values: [-1.5, 0, 0.75, 2])],
                                                bias: [0.0625, -0.5], isLast: false)),
            .polynomial(PolynomialLayer(name: "a0", coefficients: [0, 0.5, 0.25])),
            .fullyConnected(FullyConnectedLayer(name: "d1", form: .diagonal, inFeatures: 2, outFeatures: 2, gridRows: 1, gridCols: 2,
                                                tiles: [WeightTile(row: 0, col: 1, values: [0.25, -0.75])], bias: nil, isLast: false)),
            .fullyConnected(FullyConnectedLayer(name: "d2", form: .typeA, inFeatures: 2, outFeatures: 2, gridRows: 1, gridCols: 1,
                                                tiles: [WeightTile(row: 0, col: 0, values: [1, 2, -3, 4])], bias: nil, isLast: false)),
            .fullyConnected(FullyConnectedLayer(name: "d3", form: .typeB, inFeatures: 2, outFeatures: 3, gridRows: 1, gridCols: 2,
                                                tiles: [WeightTile(row: 0, col: 1, values: [0.5, 0.5, -0.5, 0.5])],
                                                bias: [1, 0, -1], isLast: true)),
        ]
        let depth = layers.reduce(0) { total, layer in
            switch layer {
            case .fullyConnected(let fc): total + fc.depth
            case .polynomial(let poly): total + poly.depth
            case .packed(let packed): total + packed.depth
            case .bootstrap: total
            }
        }
        return Plan(model: "format-pin", tile: tile,
                    parameters: CKKSParameterChoice(logN: 4, logQ: [40] + Array(repeating: 30, count: depth), logP: [40],
                                                    logScale: 30, insecure: true),
                    inputFeatures: 4, outputFeatures: 3, layers: layers, rotationSteps: Plan.rotationSteps(for: layers, tile: tile), depth: depth,
                    inputPermutation: [2, 0, 3, 1], outputPermutation: [2, 0, 1], clientTail: ["Softmax", "ArgMax"])
    }

    @Test func byteFormatIsPinnedByDigest() throws {
        let plan = Self.handBuiltPlan()
        try plan.validate()
        let bytes = [UInt8](try plan.serialized())
        let payload = String(decoding: bytes[20..<(bytes.count - 8)], as: UTF8.self)
        // magic "HEPXPLAN", version (UInt32 LE), payload length (UInt64 LE).
        #expect(Hex.string(bytes.prefix(20)) == "48455058504c414e020000009204000000000000", "header \(Hex.string(bytes.prefix(20))); \(Self.bump)")
        #expect(payload == Self.pinnedPayload, "payload now:\n\(payload)\n\(Self.bump)")
        #expect(SHA256.hex(bytes) == "12a05cec3f4a2b2b53c781210bba2f023ca7e56a19e1872e32a4704677fdd6e2", "digest \(SHA256.hex(bytes)); \(Self.bump)")
        #expect(try Plan(serialized: Data(bytes)) == plan)
    }

    /// The payload (UTF-8 JSON, sorted keys) of ``handBuiltPlan()``.
    static let pinnedPayload = #"""
        {"clientTail":["Softmax","ArgMax"],"depth":7,"inputFeatures":4,"inputPermutation":[2,0,3,1],"layers":[\#
        {"fullyConnected":{"_0":{"bias":[0.0625,-0.5],"form":"B","gridCols":1,"gridRows":2,"inFeatures":4,"isLast":false,"name":"d0","outFeatures":2,"tiles":[{"col":0,"row":0,"values":[0.5,-0.25,1,0.125]},{"col":0,"row":1,"values":[-1.5,0,0.75,2]}]}}},\#
        {"polynomial":{"_0":{"coefficients":[0,0.5,0.25],"name":"a0"}}},\#
        {"fullyConnected":{"_0":{"form":"D","gridCols":2,"gridRows":1,"inFeatures":2,"isLast":false,"name":"d1","outFeatures":2,"tiles":[{"col":1,"row":0,"values":[0.25,-0.75]}]}}},\#
        {"fullyConnected":{"_0":{"form":"A","gridCols":1,"gridRows":1,"inFeatures":2,"isLast":false,"name":"d2","outFeatures":2,"tiles":[{"col":0,"row":0,"values":[1,2,-3,4]}]}}},\#
        {"fullyConnected":{"_0":{"bias":[1,0,-1],"form":"B","gridCols":2,"gridRows":1,"inFeatures":2,"isLast":true,"name":"d3","outFeatures":3,"tiles":[{"col":1,"row":0,"values":[0.5,0.5,-0.5,0.5]}]}}}],\#
        "model":"format-pin","outputFeatures":3,"outputPermutation":[2,0,1],\#
        "parameters":{"insecure":true,"logN":4,"logP":[40],"logQ":[40,30,30,30,30,30,30,30],"logScale":30},"rotationSteps":[2,4,6],"tile":{"t1":2,"t2":2,"t3":2}}
        """#

    // MARK: Fixtures of every version this build reads

    struct Fixture: Sendable, CustomStringConvertible {
        var file: String
        var version: UInt8
        var forms: [FCForm]
        var description: String { file }

        var path: String { TestPaths.path("Tests/ExecutorTests/Fixtures/\(file)") }
    }

    struct Expected: Decodable {
        var inputs: [[Double]]
        var onnxruntime: [[Double]]
        var simulated: [String: [[Double]]]
    }

    static let fixtures = [
        Fixture(file: "digits_mlp_square.v1.hepx", version: 1, forms: [.typeB, .typeA]),
        Fixture(file: "digits_mlp_square_2x32.v2.hepx", version: 2, forms: [.typeB, .diagonal]),
        Fixture(file: "digits_mlp_square_packed.v3.hepx", version: 3, forms: []),
        Fixture(file: "digits_mlp_square_1x64.v3.hepx", version: 3, forms: [.typeB, .diagonal]),
        Fixture(file: "digits_mlp_square_1x64.v4.hepx", version: 4, forms: [.typeB, .diagonal]),
        Fixture(file: "digits_mlp_square_1x8.v5.hepx", version: 5, forms: [.typeB, .rowDiagonal]),
    ]

    @Test func everyReadableVersionHasAFixture() {
        #expect(Set(Self.fixtures.map { Int($0.version) }) == Set(1...Plan.formatVersion),
                "Plan.formatVersion is \(Plan.formatVersion): commit a fixture plan of the new version (see Fixtures/README.md)")
    }

    @Test(arguments: fixtures)
    func fixtureStillLoadsAndRuns(_ fixture: Fixture) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
        #expect(Array(bytes.prefix(12)) == Array("HEPXPLAN".utf8) + [fixture.version, 0, 0, 0])
        let plan = try Plan(serialized: bytes)
        #expect(plan.model == "digits_mlp_square" && plan.inputFeatures == 64 && plan.outputFeatures == 10)
        let forms = plan.layers.compactMap { layer -> FCForm? in
            if case .fullyConnected(let fc) = layer { return fc.form }
            return nil
        }
        #expect(forms == fixture.forms)

        let expectedURL = URL(fileURLWithPath: TestPaths.path("Tests/ExecutorTests/Fixtures/digits_mlp_square.expected.json"))
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: expectedURL))
        let outputs = try Self.simulate(plan, rows: expected.inputs)
        let recorded = try #require(expected.simulated[fixture.file])
        let drift = Self.maxDifference(outputs, recorded)
        #expect(drift < 1e-9, "\(fixture): outputs moved by \(drift) from the recorded ones: \(outputs)")
        // The recorded outputs are the model's: onnxruntime (float32) on the same inputs.
        let error = Self.maxDifference(outputs, expected.onnxruntime)
        #expect(error < 1e-3, "\(fixture): max |plan − onnxruntime| = \(error)")
    }

    /// Runs a plan on the simulated backend (exact arithmetic) through the executor alone.
    static func simulate(_ plan: Plan, rows: [[Double]]) throws -> [[Double]] {
        let p = plan.parameters
        let parameters = try CKKSParameters(.init(logN: p.logN, logQ: p.logQ, logP: p.logP, logScale: p.logScale,
                                                  insecure: p.insecure))
        var backend = SimulatedBackend(slotCount: parameters.slotCount, moduli: parameters.ciphertextModuli.map { Double($0) },
                                       defaultScale: parameters.defaultScale)
        backend.modelsBootstrapNoise = false
        let executor = try PlanExecutor(plan: plan, backend: backend)
        let layout = TileLayout(plan: plan)
        var outputs: [[Double]] = []
        for start in stride(from: 0, to: rows.count, by: plan.tile.t3) {
            let samples = Array(rows[start..<min(rows.count, start + plan.tile.t3)])
            let results = try executor.run(try executor.encrypt(layout.encodeInput(samples)))
            let slots = try results.map { tile -> [Double] in
                switch tile {
                case .cipher(let ct): return try backend.decrypt(ct)
                case .plain(let values): return values
                }
            }
            outputs += layout.decodeOutput(slots, samples: samples.count)
        }
        return outputs
    }

    static func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        guard a.count == b.count, zip(a, b).allSatisfy({ $0.count == $1.count }) else { return .infinity }
        return zip(a, b).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? .infinity
    }
}
