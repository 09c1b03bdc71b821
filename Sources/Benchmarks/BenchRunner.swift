public import HepexcCKKS
internal import HepexcModArith
internal import HepexcRing

/// Times every CKKS operation under one parameter set: one warm-up, then
/// repetitions until `minReps` and about `targetSeconds` of work, per round;
/// the report keeps the median over rounds of per-round medians.
public struct BenchRunner: Sendable {
    public let parameters: CKKSParameters
    public let threads: Int
    public let rounds: Int
    public let minReps: Int
    public let maxReps: Int
    public let targetSeconds: Double
    /// The operations to time; `nil` times all.
    public let selected: Set<BenchOperation>?

    public init(parameters: CKKSParameters, threads: Int, rounds: Int, minReps: Int, maxReps: Int,
                targetSeconds: Double, selected: Set<BenchOperation>?) {
        self.parameters = parameters
        self.threads = threads
        self.rounds = rounds
        self.minReps = minReps
        self.maxReps = maxReps
        self.targetSeconds = targetSeconds
        self.selected = selected
    }

    /// Times `body` for one round: one warm-up, then repetitions; returns medians (cpu, wall) and count.
    func timeRound(_ body: () throws -> Void) rethrows -> (Double, Double, Int) {
        try body()
        var cpus: [Double] = [], walls: [Double] = []
        var spent = 0.0
        while cpus.count < maxReps && (cpus.count < minReps || spent < targetSeconds) {
            let start = ProcessMetrics.clocks()
            try body()
            let end = ProcessMetrics.clocks()
            cpus.append(end.cpu - start.cpu); walls.append(end.wall - start.wall)
            spent += end.wall - start.wall
        }
        return (median(cpus), median(walls), cpus.count)
    }

    /// Runs every selected operation `rounds` times.
    /// - Throws: `HEError` if the runtime rejects an operation (it should not).
    public func run() throws -> BenchReport {
        let context = CKKSContext(parameters: parameters, threads: threads)
        let encoder = CKKSEncoder(context: context)
        var keygen = KeyGenerator(context: context)
        let pk = keygen.publicKey()
        let rk = keygen.relinearizationKey()
        let wantsHoisted = selected.map { $0.contains(.hoistedRotate) } ?? true
        let gk = keygen.galoisKeys(steps: wantsHoisted ? [1, 2, 3, 4, 5, 6, 7, 8] : [1])
        var encryptor = try Encryptor(context: context, publicKey: pk)
        let decryptor = try Decryptor(context: context, secretKey: keygen.secretKey)
        let evaluator = try Evaluator(context: context, relinearizationKey: rk, galoisKeys: gk)
        let slots = parameters.slotCount
        // Deterministic inputs (an LCG): timings do not depend on the values.
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

        func body(_ operation: BenchOperation) -> () throws -> Void {
            switch operation {
            case .keygenSecret: { _ = KeyGenerator(context: context) }
            case .keygenPublic: { _ = keygen.publicKey() }
            case .keygenRelinearization: { _ = keygen.relinearizationKey() }
            case .keygenGalois: { _ = keygen.galoisKeys(steps: [1]) }
            case .encode: { _ = try encoder.encode(x) }
            case .encrypt: { _ = encryptor.encrypt(px) }
            case .decrypt: { _ = encoder.decode(decryptor.decrypt(cx)) }
            case .decryptOneLimb: { _ = encoder.decode(decryptor.decrypt(bottom)) }
            case .add: { _ = try evaluator.add(cx, cy) }
            case .multiplyPlain: { _ = try evaluator.multiply(cx, py) }
            case .multiplyRelinearize: { _ = try evaluator.multiplyRelinearize(cx, cy) }
            case .tensor: { _ = try evaluator.multiply(cx, cy) }
            case .relinearize: { _ = try evaluator.relinearize(product3) }
            case .rescale: { _ = try evaluator.rescale(product) }
            case .rotate: { _ = try evaluator.rotate(cx, by: 1) }
            case .hoistedRotate: { _ = try evaluator.rotateHoisted(cx, by: [1, 2, 3, 4, 5, 6, 7, 8]) }
            case .ntt: { Self.forwardNTT(table, &limb) }
            }
        }
        let operations = BenchOperation.allCases.filter { selected?.contains($0) ?? true }

        var perRound: [BenchOperation: [(Double, Double, Int)]] = [:]
        for _ in 0..<rounds {
            for operation in operations {
                var r = try timeRound(body(operation))
                if operation == .hoistedRotate { r.0 /= 8; r.1 /= 8 }
                perRound[operation, default: []].append(r)
            }
        }
        let results = operations.map { operation -> BenchResult in
            let rs = perRound[operation] ?? []
            return BenchResult(name: operation.rawValue, cpuSeconds: median(rs.map(\.0)), wallSeconds: median(rs.map(\.1)),
                               bestRoundCPUSeconds: rs.map(\.0).min() ?? 0, repetitions: rs.map(\.2).reduce(0, +))
        }
        let n = parameters.degree
        let sizes = [
            "ciphertext (top level)": cx.size * (cx.level + 1) * n * 8,
            "ciphertext (1 limb)": 2 * n * 8,
            "public key": (pk.b.data.count + pk.a.data.count) * 8,
            "relin key": rk.key.byteCount,
            "1 Galois key": gk.keys.values.first?.byteCount ?? 0,
        ]
        var report = BenchReport(parameters: parameters.description, logN: parameters.logN,
                           limbs: parameters.ciphertextModuli.count, specialPrimes: parameters.specialModuli.count,
                           digits: parameters.digitCount, logQP: parameters.logQP, threads: threads, rounds: rounds,
                           loadAverage: ProcessMetrics.loadAverage(), results: results, sizes: sizes,
                           peakRSSBytes: ProcessMetrics.peakMemoryBytes(), maxAbsErrors: errors)
        report.vectorKernels = VectorISA.current.description
            + (VectorISA.requestIgnored ? " (HEPEXC_ISA names no level: ignored)" : "")
        return report
    }
}
