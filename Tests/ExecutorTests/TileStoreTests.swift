import Testing
@testable import HepexcExecutor

@Suite("Tile store: inputs freed after their last reader")
struct TileStoreTests {
    final class Payload { let id: Int; init(_ id: Int) { self.id = id } }

    @Test("A tile lives until its last reader finishes; unread tiles go at once")
    func releasesAtTheLastReader() throws {
        weak var first: Payload?, second: Payload?, unread: Payload?
        let store: TileStore<Payload> = {
            let tiles = [Payload(0), Payload(1), Payload(2)]
            first = tiles[0]; second = tiles[1]; unread = tiles[2]
            return TileStore(tiles, readers: [2, 1, 0])
        }()
        #expect(unread == nil)
        #expect(store.read(0)?.id == 0 && store.read(1)?.id == 1)
        store.finished([0, 1])
        #expect(second == nil && first != nil)
        store.finished([0])
        #expect(first == nil)
        #expect(store.read(0) == nil && store.read(7) == nil)
        store.finished([0, 9])  // extra or out-of-range finishes are ignored
    }
}
