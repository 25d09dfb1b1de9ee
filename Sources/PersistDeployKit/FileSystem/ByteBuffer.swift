import Glibc

/// Bytes appended with one `memcpy` each. `Array.append(contentsOf:)` costs some 250 instructions
/// a call whatever the length, which was a tenth of recording a 60,000-entry manifest; here the
/// array is grown in steps and only the used part counts.
struct ByteBuffer: Sendable, Equatable {
    /// The bytes, followed by zeros up to the capacity.
    private var storage: [UInt8]
    private(set) var count = 0

    init(capacity: Int = 256) {
        storage = [UInt8](repeating: 0, count: max(16, capacity))
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        let at = count
        storage.withUnsafeMutableBufferPointer { _ = memcpy($0.baseAddress! + at, source, bytes.count) }
        count += bytes.count
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    /// Drops the bytes from `newCount` on.
    mutating func truncate(to newCount: Int) {
        count = min(count, newCount)
    }

    mutating func reserve(_ more: Int) {
        if count + more > storage.count {
            storage += repeatElement(0, count: max(count + more, storage.count * 2) - storage.count)
        }
    }

    /// Runs `body` with the bytes in `range` (within `0..<count`).
    func withBytes<Result, Failure: Error>(
        _ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try storage.withUnsafeBufferPointer { all throws(Failure) in try body(UnsafeBufferPointer(rebasing: all[range])) }
    }

    /// The bytes as an array of their own.
    var array: [UInt8] { Array(storage[..<count]) }

    static func == (a: ByteBuffer, b: ByteBuffer) -> Bool {
        a.count == b.count && a.storage[..<a.count] == b.storage[..<b.count]
    }
}
