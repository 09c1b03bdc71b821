internal import Foundation
internal import Hummingbird
internal import Logging
internal import NIOCore

/// Turns every error into a JSON body `{"error": "...", "status": N}` and
/// records each request's route, status and latency.
struct HTTPErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = Date()
        let route = context.endpointPath ?? "unmatched"
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let failure: ServerError
            switch error {
            case let error as ServerError: failure = error
            case let error as HTTPError where error.status == .notFound: failure = .notFound("no route \(request.method) \(request.uri.path)")
            case let error as HTTPError: failure = .badRequest(error.body ?? "\(error.status)")
            default: failure = .internalError("\(error)")
            }
            if failure.status >= 500 { logger.error("request failed", metadata: ["route": "\(route)", "error": "\(failure)"]) }
            let body = (try? JSONSerialization.data(withJSONObject: ["error": failure.description, "status": failure.status],
                                                    options: [.sortedKeys])) ?? Data("{}".utf8)
            response = Response(status: .init(code: failure.status), headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        metrics.request(route: route, status: response.status.code, seconds: Date().timeIntervalSince(start))
        return response
    }
}
