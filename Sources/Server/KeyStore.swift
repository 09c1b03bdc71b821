internal import Foundation
internal import HepexcInference
internal import NIOCore

/// Evaluation keys on disk, named by the SHA-256 of their bytes
/// (`DIR/<id>.evalkeys`): any replica sharing `DIR` answers any client.
/// Files are written once (temporary file, then an atomic rename) and never
/// change, so a small in-memory cache of parsed keys is always right.
final class KeyStore: Sendable {
    let directory: URL
    private let cache = KeyCache(capacity: 16)

    init(directory: String) throws(ServerError) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        } catch {
            throw .startup("cannot create the key store \(directory): \(error.localizedDescription)")
        }
    }

    static func isValidID(_ id: String) -> Bool {
        id.count == 64 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    func path(_ id: String) -> URL { directory.appendingPathComponent("\(id).evalkeys") }

    func contains(_ id: String) -> Bool { Self.isValidID(id) && FileManager.default.fileExists(atPath: path(id).path) }

    /// Streams `body` into a temporary file (at most `limit` bytes), checks it
    /// is a valid evaluation-key file for `server`'s plan, and stores it under
    /// its content hash. Returns the id.
    func store<Body: AsyncSequence>(_ body: Body, limit: Int, for server: InferenceServer) async throws -> String
    where Body.Element == ByteBuffer {
        let temporary = directory.appendingPathComponent(".upload-\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw ServerError.internalError("cannot write into the key store")
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        let handle = try FileHandle(forWritingTo: temporary)
        var total = 0
        do {
            for try await buffer in body {
                total += buffer.readableBytes
                guard total <= limit else { throw ServerError.tooLarge(limit: limit) }
                try handle.write(contentsOf: Data(buffer.readableBytesView))
            }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        let bytes = [UInt8](try Data(contentsOf: temporary))
        do { _ = try server.evaluationKeys(bytes) } catch { throw ServerError.artifact(error) }
        let id = SHA256.digest(bytes).map { String(format: "%02x", $0) }.joined()
        let target = path(id)
        if !FileManager.default.fileExists(atPath: target.path) {
            guard rename(temporary.path, target.path) == 0 else {
                throw ServerError.internalError("cannot store the keys: \(String(cString: strerror(errno)))")
            }
        }
        return id
    }

    /// The keys `id` for `server`'s plan (from the cache or the shared directory).
    func keys(_ id: String, for server: InferenceServer, plan: String) throws(ServerError) -> EvaluationKeys {
        guard Self.isValidID(id) else { throw .badRequest("key id must be 64 lowercase hex digits (the SHA-256 returned by PUT /v1/keys)") }
        if let cached = cache.get("\(plan)/\(id)") { return cached }
        guard let data = FileManager.default.contents(atPath: path(id).path) else {
            throw .notFound("no evaluation keys with id \(id): upload them with PUT /v1/keys first")
        }
        let keys: EvaluationKeys
        do { keys = try server.evaluationKeys([UInt8](data)) } catch { throw .artifact(error) }
        cache.put("\(plan)/\(id)", keys)
        return keys
    }
}

/// A small least-recently-inserted cache of parsed keys.
final class KeyCache: @unchecked Sendable {
    private let capacity: Int
    private var entries: [(String, EvaluationKeys)] = []
    private let lock = NSLock()

    init(capacity: Int) { self.capacity = capacity }

    func get(_ key: String) -> EvaluationKeys? {
        lock.lock(); defer { lock.unlock() }
        return entries.first { $0.0 == key }?.1
    }

    func put(_ key: String, _ value: EvaluationKeys) {
        lock.lock(); defer { lock.unlock() }
        entries.removeAll { $0.0 == key }
        entries.append((key, value))
        if entries.count > capacity { entries.removeFirst() }
    }
}
