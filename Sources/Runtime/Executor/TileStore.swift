import Foundation

/// The live tiles of one layer's input, released as soon as their last
/// reader is done: a layer that consumes its input (a polynomial applied
/// tile by tile, a packed layer's sums) then never holds its whole input and
/// its whole output at once, which is what bounds a packed plan's peak
/// memory (issue 17: 784 input and 845 convolution-output ciphertexts of
/// the CryptoNets CNN at 8192 images).
///
/// Each tile has a count of readers still to come; ``read(_:)`` hands the
/// tile out and ``finished(_:)`` drops one reader, freeing the tile at zero.
/// Thread-safe: the executor's workers share one store.
final class TileStore<Tile>: @unchecked Sendable {
    private var tiles: [Tile?]
    private var readers: [Int]
    private let lock = NSLock()

    /// - Parameters:
    ///   - tiles: the layer's input, taken over (the caller keeps no copy).
    ///   - readers: how many reads of each tile will come; tiles with none
    ///     are released at once.
    init(_ tiles: consuming [Tile], readers: [Int]) {
        self.tiles = tiles.map(Optional.some)
        self.readers = readers
        for index in readers.indices where readers[index] <= 0 { self.tiles[index] = nil }
    }

    /// Tile `index`, or `nil` if it was already released (a caller bug the
    /// layer reports).
    func read(_ index: Int) -> Tile? {
        lock.lock(); defer { lock.unlock() }
        return tiles.indices.contains(index) ? tiles[index] : nil
    }

    /// One reader of each of `indices` is done; tiles without readers left are freed.
    func finished<S: Sequence>(_ indices: S) where S.Element == Int {
        lock.lock(); defer { lock.unlock() }
        for index in indices where readers.indices.contains(index) {
            readers[index] -= 1
            if readers[index] == 0 { tiles[index] = nil }
        }
    }
}
