import Glibc

/// Paths kept as their raw bytes, one value each, in the order they were added, and found by
/// their bytes through an open-addressing hash table. A release manifest of 60,000 entries is
/// read, looked up and written without a string or a dictionary key per path (those were a
/// third of a deploy's instructions).
struct PathTable<Value: Sendable>: Sendable {
    /// Every path's bytes, one after another; path `i` ends at `ends[i]`.
    private var bytes = ByteBuffer()
    private var ends: [Int] = []
    private(set) var values: [Value] = []
    /// Index + 1 of the path in each slot, 0 for an empty slot; the count is a power of two.
    private var slots: [Int32] = []

    var count: Int { values.count }

    /// The bytes of all paths together.
    var pathBytes: Int { bytes.count }

    /// Runs `body` with the bytes of path `index`.
    func withPath<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        bytes.withBytes((index == 0 ? 0 : ends[index - 1])..<ends[index], body)
    }

    /// Makes room for `count` paths holding `pathBytes` bytes in all.
    mutating func reserveCapacity(_ count: Int, pathBytes: Int) {
        bytes.reserve(pathBytes)
        ends.reserveCapacity(count)
        values.reserveCapacity(count)
        while count * 4 > slots.count * 3 { grow() }
    }

    /// The index of `path`, or nil.
    func index(of path: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !slots.isEmpty else { return nil }
        return lookup(path).found
    }

    /// Adds `path` with `value`, or replaces the value of a path already there.
    mutating func set(_ path: UnsafeBufferPointer<UInt8>, _ value: Value) {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let (found, slot) = lookup(path)
        if let found {
            values[found] = value
            return
        }
        bytes.append(path)
        ends.append(bytes.count)
        values.append(value)
        slots[slot] = Int32(values.count)
    }

    /// The index where `path` is, or the empty slot where it would go.
    private func lookup(_ path: UnsafeBufferPointer<UInt8>) -> (found: Int?, slot: Int) {
        let mask = slots.count - 1
        var slot = Self.hash(path) & mask
        return bytes.withBytes(0..<bytes.count) { all in
            while true {
                let stored = Int(slots[slot]) - 1
                if stored < 0 { return (nil, slot) }
                let start = stored == 0 ? 0 : ends[stored - 1]
                if ends[stored] - start == path.count, path.isEmpty || memcmp(all.baseAddress! + start, path.baseAddress!, path.count) == 0 {
                    return (stored, slot)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: max(64, slots.count * 2))
        let mask = slots.count - 1
        bytes.withBytes(0..<bytes.count) { all in
            for index in 0..<count {
                let start = index == 0 ? 0 : ends[index - 1]
                var slot = Self.hash(UnsafeBufferPointer(rebasing: all[start..<ends[index]])) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(index + 1)
            }
        }
    }

    /// A hash of the bytes, eight at a time (Swift's `Hasher` cost 600 instructions a path),
    /// seeded per process so that names chosen to collide cannot be prepared in advance.
    private static func hash(_ path: UnsafeBufferPointer<UInt8>) -> Int {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = pathHashSeed ^ UInt64(path.count)
        var offset = 0
        if let base = UnsafeRawPointer(path.baseAddress) {
            while offset + 8 <= path.count {
                hash = (hash ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
                hash ^= hash >> 29
                offset += 8
            }
        }
        var tail: UInt64 = 0
        while offset < path.count {
            tail = tail << 8 | UInt64(path[offset])
            offset += 1
        }
        hash = (hash ^ tail) &* multiplier
        return Int(truncatingIfNeeded: hash ^ hash >> 32)
    }
}

/// `PathTable`'s hash seed (a generic type cannot hold a static one).
private let pathHashSeed = UInt64.random(in: .min ... .max)

extension PathTable: Equatable where Value: Equatable {
    /// The same paths with the same values in the same order (the table's layout aside).
    static func == (a: Self, b: Self) -> Bool {
        a.bytes == b.bytes && a.ends == b.ends && a.values == b.values
    }
}
