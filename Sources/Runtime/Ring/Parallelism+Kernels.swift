/// One result slot per index, written by exactly one worker each (raw storage, so
/// concurrent writes to distinct slots never touch a shared array header).
final class ResultSlots<R>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Result<R, any Error>?>
    private let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func set(_ i: Int, _ value: Result<R, any Error>) { slots[i] = value }
    func get(_ i: Int) -> Result<R, any Error> { slots[i]! }
}
