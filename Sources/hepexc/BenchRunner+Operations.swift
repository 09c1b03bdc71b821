import Foundation
import HepexcCKKS
import HepexcModArith
import HepexcRing

/// Times every CKKS operation under one parameter set.
struct BenchRunner {
    let parameters: CKKSParameters
    let threads: Int
    let rounds: Int
    let minReps: Int
    let maxReps: Int
    let targetSeconds: Double
    let selected: Set<String>?

    /// Times `body` for one round: one warm-up, then repetitions; returns medians (cpu, wall) and count.
    func timeRound(_ body: () throws -> Void) rethrows -> (Double, Double, Int) {
        try body()
        var cpus: [Double] = [], walls: [Double] = []
        var spent = 0.0
        while cpus.count < maxReps && (cpus.count < minReps || spent < targetSeconds) {
            let start = clocks()
            try body()
            let end = clocks()
            cpus.append(end.cpu - start.cpu); walls.append(end.wall - start.wall)
            spent += end.wall - start.wall
        }
        return (median(cpus), median(walls), cpus.count)
    }

    func run() throws -> BenchReport {
        let context = CKKSContext(parameters: parameters, threads: threads)
        let encoder = CKKSEncoder(context: context)
        var keygen = KeyGenerator(context: context)
        let pk = keygen.publicKey()
        let rk = keygen.relinearizationKey()
        let wantsHoisted = selected.map { $0.contains("hoisted") || $0.contains("hoisted rotate, per rotation of 8") } ?? true
        let gk = keygen.galoisKeys(steps: wantsHoisted ? [1, 2, 3, 4, 5, 6, 7, 8] : [1])
        var encryptor = try Encryptor(context: context, publicKey: pk)
        let decryptor = try Decryptor(context: context, secretKey: keygen.secretKey)
        let evaluator = try Evaluator(context: context, relinearizationKey: rk, galoisKeys: gk)
        let slots = parameters.slotCount
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        let x = (0..<slots).map { _ in uniform() }, y = (0..<slots).map { _ in uniform() }
        let px = try encoder.encode(x), py = try encoder.encode(y)
        let cx = encryptor.encrypt(px), cy = encryptor.encrypt(py)
        let product3 = try evaluator.multiply(cx, cy)
        let product = try evaluator.relinearize(product3)
        let bottom = try evaluator.dropLevel(cx, to: 0)
        let table = NTTTables(modulus: Modulus(parameters.ciphertextModuli[0]), degree: parameters.degree)
        var limb = (0..<parameters.degree).map { UInt64($0) % parameters.ciphertextModuli[0] }

        // Correctness checks (once).
        var errors: [String: Double] = [:]
        func maxError(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }
        errors["mul+relin+rescale"] = maxError(encoder.decode(decryptor.decrypt(try evaluator.rescale(product))), zip(x, y).map(*))
        errors["rotate"] = maxError(encoder.decode(decryptor.decrypt(try evaluator.rotate(cx, by: 1))), (0..<slots).map { x[($0 + 1) % slots] })
        errors["encrypt+decrypt"] = maxError(encoder.decode(decryptor.decrypt(cx)), x)

        var operations: [(String, () throws -> Void)] = [
            ("keygen secret key", { _ = KeyGenerator(context: context) }),
            ("keygen public key", { _ = keygen.publicKey() }),
            ("keygen relin key", { _ = keygen.relinearizationKey() }),
            ("keygen 1 Galois key", { _ = keygen.galoisKeys(steps: [1]) }),
            ("encode", { _ = try encoder.encode(x) }),
            ("encrypt (public key)", { _ = encryptor.encrypt(px) }),
            ("decrypt+decode, top level", { _ = encoder.decode(decryptor.decrypt(cx)) }),
            ("decrypt+decode, 1 limb", { _ = encoder.decode(decryptor.decrypt(bottom)) }),
            ("add ct+ct", { _ = try evaluator.add(cx, cy) }),
            ("mul ct×pt", { _ = try evaluator.multiply(cx, py) }),
            ("mul ct×ct + relin", { _ = try evaluator.multiplyRelinearize(cx, cy) }),
            ("tensor only", { _ = try evaluator.multiply(cx, cy) }),
            ("relinearize only", { _ = try evaluator.relinearize(product3) }),
            ("rescale", { _ = try evaluator.rescale(product) }),
            ("rotate by 1 slot", { _ = try evaluator.rotate(cx, by: 1) }),
            ("hoisted rotate, per rotation of 8", { _ = try evaluator.rotateHoisted(cx, by: [1, 2, 3, 4, 5, 6, 7, 8]) }),
            ("forward NTT, 1 limb", {
                limb.withUnsafeMutableBufferPointer { table.forward($0.baseAddress!, reduceOutput: false) }
            }),
        ]
        if let selected { operations = operations.filter { selected.contains($0.0) || selected.contains(shortName($0.0)) } }

        var perRound: [String: [(Double, Double, Int)]] = [:]
        for _ in 0..<rounds {
            for (name, body) in operations {
                var r = try timeRound(body)
                if name.hasPrefix("hoisted") { r.0 /= 8; r.1 /= 8 }
                perRound[name, default: []].append(r)
            }
        }
        let results = operations.map { name, _ -> BenchResult in
            let rs = perRound[name]!
            return BenchResult(name: name, cpuSeconds: median(rs.map(\.0)), wallSeconds: median(rs.map(\.1)),
                               bestRoundCPUSeconds: rs.map(\.0).min()!, repetitions: rs.map(\.2).reduce(0, +))
        }
        let n = parameters.degree
        let sizes = [
            "ciphertext (top level)": cx.size * (cx.level + 1) * n * 8,
            "ciphertext (1 limb)": 2 * n * 8,
            "public key": (pk.b.data.count + pk.a.data.count) * 8,
            "relin key": rk.key.byteCount,
            "1 Galois key": gk.keys.values.first?.byteCount ?? 0,
        ]
        return BenchReport(parameters: parameters.description, logN: parameters.logN,
                           limbs: parameters.ciphertextModuli.count, specialPrimes: parameters.specialModuli.count,
                           digits: parameters.digitCount, logQP: parameters.logQP, threads: threads, rounds: rounds,
                           loadAverage: loadAverage(), results: results, sizes: sizes, peakRSSBytes: peakRSS(),
                           maxAbsErrors: errors)
    }

    private func shortName(_ name: String) -> String {
        switch name {
        case "mul ct×ct + relin": return "mulrelin"
        case "rotate by 1 slot": return "rotate"
        case "forward NTT, 1 limb": return "ntt"
        case "rescale": return "rescale"
        case "mul ct×pt": return "mulpt"
        case "add ct+ct": return "add"
        case "encode": return "encode"
        case "encrypt (public key)": return "encrypt"
        case "relinearize only": return "relin"
        case "tensor only": return "tensor"
        case "hoisted rotate, per rotation of 8": return "hoisted"
        case "keygen relin key": return "keygen-relin"
        case "keygen 1 Galois key": return "keygen-galois"
        case "decrypt+decode, top level": return "decrypt"
        case "decrypt+decode, 1 limb": return "decrypt1"
        default: return name
        }
    }
}
