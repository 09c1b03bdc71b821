public import HepexcInference

/// Every error of the HTTP server and its client. On the server each is a
/// status code and a JSON body `{"error": "...", "status": N}`; in the client
/// it is one line.
public enum ServerError: Error, Sendable, CustomStringConvertible {
    /// The request is malformed (400).
    case badRequest(String)
    /// A key, ciphertext or secret-key file was refused (400).
    case artifact(InferenceError)
    /// No such plan or key (404).
    case notFound(String)
    /// The body exceeds the limit (413).
    case tooLarge(limit: Int)
    /// Every evaluation slot and queue place is taken (503).
    case overloaded(running: Int, queued: Int)
    /// The evaluation took longer than the per-request timeout (504).
    case timeout(seconds: Double)
    /// Starting the server failed (a plan, the key store, the port).
    case startup(String)
    /// The server answered with an error (client side: status and message).
    case remote(status: Int, message: String)
    /// The server could not be reached (client side).
    case unreachable(String)
    /// Anything else (500).
    case internalError(String)

    public var status: Int {
        switch self {
        case .badRequest, .artifact: return 400
        case .notFound: return 404
        case .tooLarge: return 413
        case .overloaded: return 503
        case .timeout: return 504
        case .remote(let status, _): return status
        case .startup, .unreachable, .internalError: return 500
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let message): return message
        case .artifact(let error): return error.description
        case .notFound(let message): return message
        case .tooLarge(let limit): return "request body larger than the limit of \(limit) bytes"
        case let .overloaded(running, queued):
            return "server busy: \(running) evaluation(s) running and \(queued) queued; retry later"
        case .timeout(let seconds): return "evaluation exceeded the per-request timeout of \(seconds) s"
        case .startup(let message): return message
        case let .remote(status, message): return "server answered \(status): \(message)"
        case .unreachable(let message): return "cannot reach the server: \(message)"
        case .internalError(let message): return "internal server error: \(message)"
        }
    }
}
