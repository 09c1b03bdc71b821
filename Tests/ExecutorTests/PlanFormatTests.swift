import Foundation
import HepexcPasses
import HepexcPlan
import Testing

@Suite struct PlanFormatTests {
    func plan() throws -> Plan {
        try PlanCompiler(options: .init(t1: 4, t2: 4, logN: 10, insecure: true)).compile(PlanTestSupport.mlp([20, 12, 6, 3], seed: 9, zeroTiles: 0.3))
    }

    @Test func roundTripsExactly() throws {
        let original = try plan()
        let bytes = try original.serialized()
        #expect(try Plan(serialized: bytes) == original)
        #expect(try Plan(serialized: bytes).serialized() == bytes)
    }

    @Test func corruptedFilesAreRejected() throws {
        let bytes = try plan().serialized()
        #expect(throws: PlanError.self) { try Plan(serialized: Data()) }
        #expect(throws: PlanError.self) { try Plan(serialized: bytes.prefix(bytes.count / 2)) }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        #expect(throws: PlanError.checksumMismatch) { try Plan(serialized: flipped) }
        var wrongMagic = bytes
        wrongMagic[0] = 0x58
        #expect(throws: PlanError.self) { try Plan(serialized: wrongMagic) }
        var future = bytes
        future[8] = 99
        #expect(throws: PlanError.unsupportedVersion(found: 99, supported: Plan.formatVersion)) { try Plan(serialized: future) }
    }

    @Test func inconsistentContentIsRejected() throws {
        var broken = try plan()
        guard case .fullyConnected(var layer) = broken.layers[0] else { Issue.record("layer 0"); return }
        layer.tiles[0].values.removeLast()
        broken.layers[0] = .fullyConnected(layer)
        #expect(throws: PlanError.self) { try broken.validate() }
        var permuted = try plan()
        permuted.inputPermutation = [0, 0] + Array(2..<20)
        #expect(throws: PlanError.self) { try permuted.validate() }
    }

    @Test func plansHoldNoKeyMaterial() throws {
        let text = String(decoding: try plan().serialized(), as: UTF8.self)
        for word in ["secret", "key\"", "galois_key"] { #expect(!text.lowercased().contains(word)) }
    }
}
