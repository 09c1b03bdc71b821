internal import Foundation
internal import HepexcInference
public import HepexcPlan
internal import Hummingbird
internal import Logging
internal import NIOCore

/// `hepexc serve`: the server side of encrypted inference over HTTP.
///
/// | route | does |
/// |---|---|
/// | `PUT /v1/keys` | stores a client's `.evalkeys` (streamed into the key store, checked against `?plan=`), answers `{"id": SHA-256}` |
/// | `GET /v1/keys/{id}` | 200 if the key store holds `id`, else 404 (clients upload once) |
/// | `POST /v1/plans/{plan}/evaluate` | header `X-Hepexc-Key-Id`, body a `.hect` of inputs → a `.hect` of results |
/// | `GET /healthz` | `{"status": "ok", "plans": [...]}` |
/// | `GET /metrics` | Prometheus text |
///
/// Errors are JSON `{"error": "...", "status": N}` with a 4xx/5xx status.
public final class InferenceHTTPServer: Sendable {
    let options: ServeOptions
    /// One `InferenceServer` per plan: its weights encoded once, at start.
    let servers: [String: InferenceServer]
    let keyStore: KeyStore
    let gate: EvaluationGate
    let metrics = ServerMetrics()
    let logger: Logger

    /// Loads every plan and encodes its weights (the slow part of starting).
    /// - Parameter load: reads a plan file (the Driver's reader, with its errors and security gate).
    public init(options: ServeOptions, load: (String) throws -> Plan) throws {
        self.options = options
        var logger = Logger(label: "hepexc.serve")
        logger.logLevel = .info
        self.logger = logger
        var servers: [String: InferenceServer] = [:]
        for (name, path) in options.plans {
            guard servers[name] == nil else { throw ServerError.startup("two plans are named \(name)") }
            let start = Date()
            let plan = try load(path)
            do { servers[name] = try InferenceServer(plan: plan, threads: options.threads, weightCacheBytes: options.weightCacheBytes) } catch {
                throw ServerError.startup("\(path): \(error)")
            }
            logger.info("plan loaded", metadata: ["plan": "\(name)", "path": "\(path)",
                                                  "seconds": "\(String(format: "%.3f", Date().timeIntervalSince(start)))"])
        }
        self.servers = servers
        self.keyStore = try KeyStore(directory: options.keyStore)
        self.gate = EvaluationGate(maxRunning: options.maxConcurrent, maxQueued: options.maxQueued)
    }

    /// Serves until SIGTERM/SIGINT (graceful: running requests finish) or
    /// until the task is cancelled. `onRunning(port)` once it listens.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        router.add(middleware: HTTPErrorMiddleware(metrics: metrics, logger: logger))
        router.get("healthz") { _, _ in self.json(["status": "ok", "plans": self.servers.keys.sorted().joined(separator: ",")]) }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: self.metrics.text)))
        }
        router.put("v1/keys") { request, _ in try await self.putKeys(request) }
        router.get("v1/keys/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard self.keyStore.contains(id) else { throw ServerError.notFound("no evaluation keys with id \(id)") }
            return self.json(["id": id])
        }
        router.post("v1/plans/:plan/evaluate") { request, context in
            try await self.evaluate(request, plan: context.parameters.get("plan") ?? "")
        }
        let app = Application(router: router,
                              configuration: .init(address: .hostname(options.host, port: options.port), serverName: "hepexc"),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                              logger: logger)
        try await app.runService()
    }

    func server(_ plan: String) throws(ServerError) -> InferenceServer {
        guard let server = servers[plan] else {
            throw .notFound("no plan named \(plan); this server has \(servers.keys.sorted().joined(separator: ", "))")
        }
        return server
    }

    func putKeys(_ request: Request) async throws -> Response {
        let names = servers.keys.sorted()
        let plan = request.uri.queryParameters.get("plan") ?? (names.count == 1 ? names[0] : "")
        let server = try server(plan)
        let id = try await keyStore.store(request.body, limit: options.maxBodyBytes, for: server)
        logger.info("keys stored", metadata: ["id": "\(id)", "plan": "\(plan)"])
        return json(["id": id], status: .created)
    }

    func evaluate(_ request: Request, plan: String) async throws -> Response {
        let server = try server(plan)
        let header = InferenceHTTPClient.keyHeader.lowercased()
        guard let id = request.headers.first(where: { $0.name.canonicalName == header })?.value else {
            throw ServerError.badRequest("missing header X-Hepexc-Key-Id (the id PUT /v1/keys returned)")
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: options.maxBodyBytes) } catch {
            throw ServerError.tooLarge(limit: options.maxBodyBytes)
        }
        let keys = try keyStore.keys(id, for: server, plan: plan)
        let inputs: CiphertextBatch
        do { inputs = try server.inputs(Array(body.readableBytesView)) } catch { throw ServerError.artifact(error) }
        try await gate.enter()
        let (running, queued) = await (gate.running, gate.queued)
        metrics.gate(running: running, queued: queued)
        let start = Date()
        let timeout = options.timeoutSeconds
        let result = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                // CPU-bound: off the event loops, on a Dispatch thread; the gate slot is
                // released when the computation ends, even after a timeout.
                try await withCheckedThrowingContinuation { continuation in
                    DispatchQueue.global().async {
                        let outcome = Result { () throws -> [UInt8] in
                            let results = try server.evaluate(inputs, keys: keys)
                            return results.serialized(for: server.prepared)
                        }
                        Task { await self.gate.leave() }
                        continuation.resume(with: outcome.map { Optional($0) })
                    }
                }
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let bytes = first else { throw ServerError.timeout(seconds: timeout) }
            return bytes
        }
        let seconds = Date().timeIntervalSince(start)
        metrics.evaluated(plan: plan, batchTiles: inputs.batches.count, ops: server.prepared.plan.estimatedOpCounts(), seconds: seconds)
        logger.info("evaluated", metadata: ["plan": "\(plan)", "batches": "\(inputs.batches.count)",
                                            "seconds": "\(String(format: "%.3f", seconds))"])
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: result)))
    }

    func json(_ object: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
