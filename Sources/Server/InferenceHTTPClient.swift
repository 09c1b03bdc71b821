public import Foundation
#if canImport(FoundationNetworking)
internal import FoundationNetworking
#endif

/// The client of `hepexc serve` (`hepexc infer --server URL`): uploads
/// evaluation keys once (content-addressed: skipped when the server already
/// holds them) and sends ciphertext batches. Connection failures and
/// 502/503/504 answers are retried with exponential backoff, so a replica
/// going away behind a load balancer costs a retry, not a request.
public struct InferenceHTTPClient: Sendable {
    public static let keyHeader = "X-Hepexc-Key-Id"
    public let baseURL: URL
    public let retries: Int
    /// Retries made so far are reported here (attempt, reason).
    public var onRetry: @Sendable (Int, String) -> Void = { _, _ in }

    public init(baseURL: URL, retries: Int = 5) {
        self.baseURL = baseURL
        self.retries = max(0, retries)
    }

    /// The SHA-256 id the server files `keys` under.
    public static func keyID(_ keys: [UInt8]) -> String { SHA256.digest(keys).map { String(format: "%02x", $0) }.joined() }

    /// Makes sure the server holds `keys` for `plan`; returns their id.
    public func upload(keys: [UInt8], plan: String) async throws(ServerError) -> String {
        let id = Self.keyID(keys)
        let (status, _) = try await send("GET", path: "v1/keys/\(id)", body: nil)
        if status == 200 { return id }
        var components = URLComponents(url: baseURL.appendingPathComponent("v1/keys"), resolvingAgainstBaseURL: false)
        components?.queryItems = [URLQueryItem(name: "plan", value: plan)]
        guard let url = components?.url else { throw .badRequest("bad server URL \(baseURL)") }
        let (putStatus, body) = try await send("PUT", url: url, body: keys)
        guard putStatus == 201 || putStatus == 200 else { throw Self.failure(putStatus, body) }
        return id
    }

    /// The results of evaluating `inputs` (a `.hect`) with keys `id` on `plan`.
    /// Re-uploads `keys` if the answering replica does not find them.
    public func evaluate(plan: String, keyID: String, keys: [UInt8], inputs: [UInt8]) async throws(ServerError) -> [UInt8] {
        let path = "v1/plans/\(plan)/evaluate"
        var (status, body) = try await send("POST", path: path, body: inputs, headers: [Self.keyHeader: keyID])
        if status == 404, String(decoding: body, as: UTF8.self).contains("no evaluation keys") {
            _ = try await upload(keys: keys, plan: plan)
            (status, body) = try await send("POST", path: path, body: inputs, headers: [Self.keyHeader: keyID])
        }
        guard status == 200 else { throw Self.failure(status, body) }
        return body
    }

    static func failure(_ status: Int, _ body: [UInt8]) -> ServerError {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        return .remote(status: status, message: object?["error"] as? String ?? String(decoding: body.prefix(200), as: UTF8.self))
    }

    func send(_ method: String, path: String, body: [UInt8]?, headers: [String: String] = [:]) async throws(ServerError) -> (Int, [UInt8]) {
        try await send(method, url: baseURL.appendingPathComponent(path), body: body, headers: headers)
    }

    /// One request with retries on connection errors and 502/503/504.
    func send(_ method: String, url: URL, body: [UInt8]?, headers: [String: String] = [:]) async throws(ServerError) -> (Int, [UInt8]) {
        var request = URLRequest(url: url, timeoutInterval: 3600)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if body != nil { request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type") }
        var attempt = 0
        while true {
            let outcome = await Self.perform(request, body: body.map { Data($0) })
            switch outcome {
            case .success(let (status, data)) where ![502, 503, 504].contains(status) || attempt >= retries:
                return (status, [UInt8](data))
            case .failure(let error) where attempt >= retries:
                throw .unreachable("\(url.host ?? "?"):\(url.port ?? 80): \(error.localizedDescription)")
            case .success(let (status, _)):
                onRetry(attempt + 1, "HTTP \(status)")
            case .failure(let error):
                onRetry(attempt + 1, error.localizedDescription)
            }
            attempt += 1
            try? await Task.sleep(nanoseconds: UInt64(100_000_000) << UInt64(min(attempt, 5)))
        }
    }

    static func perform(_ request: URLRequest, body: Data?) async -> Result<(Int, Data), any Error> {
        await withCheckedContinuation { continuation in
            let completion: @Sendable (Data?, URLResponse?, (any Error)?) -> Void = { data, response, error in
                if let error { return continuation.resume(returning: .failure(error)) }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                continuation.resume(returning: .success((status, data ?? Data())))
            }
            let task = body.map { URLSession.shared.uploadTask(with: request, from: $0, completionHandler: completion) }
                ?? URLSession.shared.dataTask(with: request, completionHandler: completion)
            task.resume()
        }
    }
}

/// Runs async work from synchronous code (the CLI's commands) and waits for it.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.set(await Result { try await body() })
            done.signal()
        }
        done.wait()
        guard let result = box.get() else { throw ServerError.internalError("async work ended without a result") }
        return try result.get()
    }
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var value: Result<T, any Error>?
    private let lock = NSLock()
    func set(_ result: Result<T, any Error>) { lock.lock(); value = result; lock.unlock() }
    func get() -> Result<T, any Error>? { lock.lock(); defer { lock.unlock() }; return value }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
