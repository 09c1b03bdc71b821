/// At most `maxRunning` evaluations at once and `maxQueued` waiting; beyond
/// that a request is refused at once (503) instead of piling up.
actor EvaluationGate {
    let maxRunning: Int
    let maxQueued: Int
    private(set) var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(maxRunning: Int, maxQueued: Int) {
        self.maxRunning = max(1, maxRunning)
        self.maxQueued = max(0, maxQueued)
    }

    var queued: Int { waiting.count }

    /// Takes a slot, waiting in the queue if there is room.
    /// - Throws: `ServerError.overloaded` when the slots and the queue are full.
    func enter() async throws(ServerError) {
        if running < maxRunning {
            running += 1
            return
        }
        guard waiting.count < maxQueued else { throw .overloaded(running: running, queued: waiting.count) }
        await withCheckedContinuation { waiting.append($0) }
        // The slot was handed over by `leave()` (running stays counted).
    }

    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
