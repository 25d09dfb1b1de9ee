import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Data rule 7: two deploys never run at once on one root.
@Suite struct DeployLockTests {
    /// A context whose clock never moves, as commands see it in tests.
    func context(pid: Int32, host: String) -> Context {
        Context(
            fileSystem: LocalFileSystem(), environment: [:], workingDirectory: "/",
            now: { Date(timeIntervalSince1970: 1_795_357_800) }, hostName: host, userName: "deployer", processID: pid)
    }

    @Test func aSecondAcquireFailsNamingTheHolder() throws {
        let temporary = try TemporaryDirectory("lock")
        defer { temporary.remove() }
        let root = DeployRoot(path: temporary.path)
        let held = try DeployLock.acquire(root: root, command: "auto", waitSeconds: 0, context: context(pid: 4242, host: "web-1"))

        #expect(try LocalFileSystem().readText(at: root.lockFile).contains("pid 4242 on web-1"))
        do {
            _ = try DeployLock.acquire(root: root, command: "rollback", waitSeconds: 0, context: context(pid: 7, host: "web-1"))
            Issue.record("the second acquire succeeded while the lock was held")
        } catch {
            #expect(error.exitCode == .failure)
            #expect(error.message.contains("pid 4242 on web-1"))
            #expect(error.message.contains("running 'auto'"))
            #expect(error.message.contains(temporary.path))
            #expect(error.hint?.contains("--wait") == true)
        }
        held.release()
        let next = try DeployLock.acquire(root: root, command: "rollback", waitSeconds: 0, context: context(pid: 7, host: "web-1"))
        next.release()
    }

    @Test func waitingSucceedsOnceTheHolderReleases() throws {
        let temporary = try TemporaryDirectory("lock-wait")
        defer { temporary.remove() }
        let root = DeployRoot(path: temporary.path)
        let held = try DeployLock.acquire(root: root, command: "auto", waitSeconds: 0, context: context(pid: 1, host: "a"))
        // A thread, not a task: acquire blocks its thread while it waits, and the few threads of
        // the task pool may all be busy with other tests.
        let box = LockBox(held)
        Thread.detachNewThread {
            usleep(500_000)
            box.lock.release()
        }
        let started = ContinuousClock.now
        let waited = try DeployLock.acquire(root: root, command: "backup", waitSeconds: 10, context: context(pid: 2, host: "a"))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(400))
        #expect(elapsed < .seconds(5))
        #expect(try LocalFileSystem().readText(at: root.lockFile).contains("pid 2 on a"))
        waited.release()
    }

    /// The command's clock is frozen in tests; the wait must still end.
    @Test func waitingGivesUpAfterTheGivenSecondsEvenWithAFrozenClock() throws {
        let temporary = try TemporaryDirectory("lock-timeout")
        defer { temporary.remove() }
        let root = DeployRoot(path: temporary.path)
        let held = try DeployLock.acquire(root: root, command: "auto", waitSeconds: 0, context: context(pid: 1, host: "a"))
        defer { held.release() }
        let started = ContinuousClock.now
        #expect(throws: ToolError.self) {
            _ = try DeployLock.acquire(root: root, command: "auto", waitSeconds: 1, context: context(pid: 2, host: "a"))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aLockHeldByAKilledProcessNeverBlocks() throws {
        let temporary = try TemporaryDirectory("lock-kill")
        defer { temporary.remove() }
        let root = DeployRoot(path: temporary.path)
        try LocalFileSystem().createDirectory(at: root.state, permissions: 0o755)

        let holder = Process()
        // `exec` keeps one process holding the descriptor, so SIGKILL leaves no child behind
        // with the lock (as `flock FILE sleep 30` would: its sleep inherits the descriptor).
        holder.executableURL = URL(fileURLWithPath: "/bin/bash")
        holder.arguments = ["-c", "exec 9>>\"$0\" && flock 9 && exec sleep 30", root.lockFile]
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }

        // Wait until the child holds the lock.
        var heldByChild = false
        for _ in 0..<100 where !heldByChild {
            do {
                let probe = try DeployLock.acquire(root: root, command: "probe", waitSeconds: 0, context: context(pid: 1, host: "a"))
                probe.release()
                usleep(50_000)
            } catch {
                heldByChild = true
                #expect(error.message.contains("another process"), "flock(1) writes no holder line")
            }
        }
        try #require(heldByChild)

        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(holder.terminationReason == .uncaughtSignal)

        let lock = try DeployLock.acquire(root: root, command: "auto", waitSeconds: 0, context: context(pid: 3, host: "a"))
        lock.release()
    }
}

/// Hands a lock to another thread in a test.
private final class LockBox: @unchecked Sendable {
    let lock: DeployLock
    init(_ lock: DeployLock) { self.lock = lock }
}
