import Glibc

/// Counts the files and bytes of one long piece of work (a copy, a removal, a backup, a count)
/// and draws them as one line: `copying releases/ID: 12,340 files, 84.1 MB, 3,210 files/s`.
///
/// Drawing is throttled: nothing for work that ends within `delay` (a line that flashes by is
/// noise), then at most one line every `interval`. Several threads may add to one meter (the
/// backup's workers do); each call takes a mutex, which costs far less than the file it counts.
package final class ProgressMeter: @unchecked Sendable {
    package let verb: String
    private var label: String
    private let clock: @Sendable () -> Double
    private let delay: Double
    private let interval: Double
    private let draw: (String) -> Void
    private let started: Double
    private var lastDrawn: Double?
    private var lastActivity: Double
    private var files = 0
    private var bytes: Int64 = 0
    private var mutex = pthread_mutex_t()

    /// - Parameters:
    ///   - clock: seconds on a clock that only goes forward (injected by tests).
    ///   - draw: shows one line, replacing the last one.
    package init(
        verb: String, label: String, clock: @escaping @Sendable () -> Double = ProgressMeter.monotonicSeconds,
        delay: Double = 0.5, interval: Double = 0.1, draw: @escaping (String) -> Void
    ) {
        self.verb = verb
        self.label = label
        self.clock = clock
        self.delay = delay
        self.interval = interval
        self.draw = draw
        started = clock()
        lastActivity = started
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// Shows `label` from the next line on (a run of small copies reports the newest one).
    package func relabel(_ label: String) {
        locked { self.label = label }
    }

    /// Counts finished work and draws a line when one is due.
    package func add(files: Int = 0, bytes: Int64 = 0) {
        locked {
            self.files += files
            self.bytes += bytes
            let now = clock()
            lastActivity = now
            guard now - started >= delay, lastDrawn.map({ now - $0 >= interval }) ?? true else { return }
            lastDrawn = now
            draw(Self.line(verb: verb, label: label, files: self.files, bytes: self.bytes, seconds: now - started))
        }
    }

    /// Seconds since the last `add` (or the start).
    package func idleSeconds() -> Double {
        locked { clock() - lastActivity }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    /// `copying releases/ID: 12,340 files, 84.1 MB, 3,210 files/s`; the bytes are left out for
    /// work that moves none (a removal, which does not read sizes).
    package static func line(verb: String, label: String, files: Int, bytes: Int64, seconds: Double) -> String {
        var parts = [grouped(files) + (files == 1 ? " file" : " files")]
        if bytes > 0 { parts.append(Text.bytes(bytes)) }
        if seconds > 0 { parts.append(grouped(Int((Double(files) / seconds).rounded())) + " files/s") }
        return "\(verb) \(label): " + parts.joined(separator: ", ")
    }

    /// `12340` as `12,340`.
    package static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var output = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { output.append(",") }
            output.append(digit)
        }
        return (number < 0 ? "-" : "") + output
    }

    /// `CLOCK_MONOTONIC` in seconds: immune to the wall clock being set.
    @Sendable package static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The last two components of `path` (`releases/ID`, `shared/storage`): enough to say what
    /// is being worked on without the deploy root's whole path.
    package static func shortLabel(_ path: String) -> String {
        let path = PathName.withoutTrailingSlashes(path)
        let parent = PathName.basename(PathName.parent(path))
        return parent.isEmpty || parent == "/" ? path : parent + "/" + PathName.basename(path)
    }
}

/// Where long file-system work asks for a meter; nil when no progress is shown (not a
/// terminal, `--json`, `--quiet`), so the work then counts nothing.
package protocol ProgressSink: AnyObject, Sendable {
    func meter(verb: String, label: String) -> ProgressMeter?
}
