import Glibc

/// SIGINT and SIGTERM during a deploy, caught instead of killing the process at a random moment:
/// the handler only writes the signal's number into a pipe (the one async-signal-safe way out of
/// a handler); the deploy reads it between operations and while a hook runs, kills the hook's
/// process group, puts things back where the contract says so, and exits with a message.
package final class Interruption: @unchecked Sendable {
    /// The pipe's read end, to poll beside a hook's output.
    package let descriptor: Int32
    private var receivedSignal: Int32?
    private var mutex = pthread_mutex_t()

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// Starts catching SIGINT and SIGTERM; nil when the pipe cannot be made (then they kill the
    /// process as before, which the crash-safe plan tolerates).
    package static func begin() -> Interruption? {
        InterruptionHandler.lock()
        defer { InterruptionHandler.unlock() }
        if InterruptionHandler.users == 0 {
            if InterruptionHandler.readEnd < 0 {
                var ends: [Int32] = [0, 0]
                guard ProcessGroup.makePipe(&ends, nonBlocking: true) else { return nil }
                InterruptionHandler.readEnd = ends[0]
                InterruptionHandler.writeEnd = ends[1]
            }
            signal(SIGINT, interruptionHandler)
            signal(SIGTERM, interruptionHandler)
        }
        // A parent may have started us with them blocked (a libdispatch worker thread blocks
        // every signal, and children inherit the mask): they would stay pending forever.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        InterruptionHandler.users += 1
        return Interruption(descriptor: InterruptionHandler.readEnd)
    }

    /// Stops catching: the signals kill the process again.
    package func end() {
        InterruptionHandler.lock()
        defer { InterruptionHandler.unlock() }
        InterruptionHandler.users -= 1
        if InterruptionHandler.users == 0 {
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
    }

    /// The signal received so far, if any (reads what the handler wrote, without waiting).
    package var received: Int32? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) == 1 {
            if receivedSignal == nil { receivedSignal = Int32(byte) }
        }
        return receivedSignal
    }

    /// `SIGINT` or `SIGTERM`, for messages.
    package static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}

/// The handler's state: a process has one signal disposition, so one pipe serves every deploy
/// the process runs (tests run several in one process).
private enum InterruptionHandler {
    nonisolated(unsafe) static var readEnd: Int32 = -1
    nonisolated(unsafe) static var writeEnd: Int32 = -1
    nonisolated(unsafe) static var users = 0
    nonisolated(unsafe) static var mutex = pthread_mutex_t()
    nonisolated(unsafe) static var mutexReady = pthread_once_t()

    static func lock() {
        pthread_once(&mutexReady) { pthread_mutex_init(&InterruptionHandler.mutex, nil) }
        pthread_mutex_lock(&mutex)
    }

    static func unlock() { pthread_mutex_unlock(&mutex) }
}

private func interruptionHandler(_ signal: Int32) {
    var byte = UInt8(truncatingIfNeeded: signal)
    let saved = errno
    _ = write(InterruptionHandler.writeEnd, &byte, 1)
    errno = saved
}
