import Foundation
import PersistDeployKit
import PersistDeployTestSupport

/// nginx and PHP-FPM from the Debian packages, started on loopback with their own configuration
/// in a temporary folder, serving `root/current/public` of a deploy root; and a steady load of
/// GET requests against them.
final class WebStack: @unchecked Sendable {
    /// How nginx hands PHP the script's path.
    enum ScriptPath: String {
        /// The documented configuration: symlinks resolved by nginx on each request.
        case realpathRoot = "$realpath_root"
        /// The common default: PHP-FPM resolves `current` itself (and caches the answer).
        case documentRoot = "$document_root"
    }

    static let nginx = "/usr/sbin/nginx"
    /// `php-fpm8.2` on Debian 12; any `php-fpm*` in /usr/sbin.
    static let phpFPM: String? = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/sbin")) ?? [])
        .filter { $0.hasPrefix("php-fpm") }.sorted().last.map { "/usr/sbin/" + $0 }

    /// Why the stack cannot run here, or nil.
    static var unavailableReason: String? {
        if !FileManager.default.isExecutableFile(atPath: nginx) || phpFPM == nil {
            return "nginx and PHP-FPM are not installed (apt-get install nginx-light php-fpm; .ci/run does)"
        }
        return SystemUser.unavailableReason
    }

    let directory: String
    let port: Int
    private var processes: [Process] = []

    /// Starts PHP-FPM (as `user`, `workers` static children) and nginx for the deploy root
    /// `root`. `controlTimeout` is PHP-FPM's `process_control_timeout`.
    init(directory: String, root: String, user: String, scriptPath: ScriptPath, workers: Int = 4, controlTimeout: String? = nil) throws {
        self.directory = directory
        port = try Self.freePort()
        let fpm = """
            [global]
            pid = \(directory)/fpm.pid
            error_log = \(directory)/fpm.log
            daemonize = no
            \(controlTimeout.map { "process_control_timeout = \($0)" } ?? "")
            [www]
            user = \(user)
            group = \(user)
            listen = \(directory)/fpm.sock
            listen.mode = 0666
            pm = static
            pm.max_children = \(workers)
            """
        let nginx = """
            daemon off;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/nginx-error.log;
            user \(user) \(user);
            events { worker_connections 512; }
            http {
              access_log off;
              client_body_temp_path \(directory)/tmp/body;
              fastcgi_temp_path \(directory)/tmp/fastcgi;
              proxy_temp_path \(directory)/tmp/proxy;
              uwsgi_temp_path \(directory)/tmp/uwsgi;
              scgi_temp_path \(directory)/tmp/scgi;
              server {
                listen 127.0.0.1:\(port);
                root \(root)/current/public;
                index index.php;
                location ~ \\.php$ {
                  include /etc/nginx/fastcgi_params;
                  fastcgi_param SCRIPT_FILENAME \(scriptPath.rawValue)$fastcgi_script_name;
                  fastcgi_param DOCUMENT_ROOT \(scriptPath.rawValue);
                  fastcgi_pass unix:\(directory)/fpm.sock;
                }
              }
            }
            """
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        try fpm.write(toFile: directory + "/fpm.conf", atomically: true, encoding: .utf8)
        try nginx.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        processes.append(try start(Self.phpFPM ?? "php-fpm", ["-F", "-y", directory + "/fpm.conf"], log: "fpm.out"))
        processes.append(try start(Self.nginx, ["-c", directory + "/nginx.conf", "-p", directory], log: "nginx.out"))
        try waitUntilServing()
    }

    deinit { stop() }

    /// Stops both, the way their packages' units do (SIGQUIT: graceful).
    func stop() {
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGQUIT)
        }
        for process in processes {
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        processes = []
    }

    /// The command that makes PHP-FPM reload gracefully (what `systemctl reload php-fpm` sends).
    var reloadCommand: String { "kill -USR2 \"$(cat \(Shell.quote(directory + "/fpm.pid")))\"" }

    /// One GET: the status code (0 when the connection failed) and the body.
    func get(_ path: String = "/index.php") -> (status: Int, body: String) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return (0, "socket: \(errno)") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return (0, "connect: \(errno)") }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: localhost\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == request.count else { return (0, "send") }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let statusLine = text.prefix { $0 != "\r" && $0 != "\n" }.split(separator: " ")
        let status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }

    private func start(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: directory + "/" + log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/" + log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Until PHP answers: nginx may be up before PHP-FPM's socket (a 502).
    private func waitUntilServing() throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let answer = get()
            if answer.status == 200 && answer.body.hasPrefix("release ") { return }
            if processes.contains(where: { !$0.isRunning }) { break }
            usleep(50_000)
        }
        let logs = ["fpm.out", "fpm.log", "nginx.out", "nginx-error.log"].map { name in
            "\(name): " + ((try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? "")
        }
        throw ToolError("nginx or PHP-FPM did not start:\n\(logs.joined(separator: "\n"))")
    }

    /// A port nothing listens on now.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(descriptor, pointer, length) == 0 else { return -1 }
                return getsockname(descriptor, pointer, &length)
            }
        }
        guard bound == 0 else { throw ToolError("no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Clients sending GETs at a steady pace until stopped, counting what failed.
final class SteadyLoad: @unchecked Sendable {
    private let stack: WebStack
    private let lock = NSLock()
    private var stopped = false
    private var threads: [Thread] = []
    private(set) var requests = 0
    private(set) var failures: [String: Int] = [:]

    /// `clients` threads, each pausing `pause` seconds between requests.
    init(_ stack: WebStack, clients: Int = 2, pause: Double = 0.005) {
        self.stack = stack
        for _ in 0..<clients {
            let thread = Thread { [self] in
                while !lock.withLock({ stopped }) {
                    let response = stack.get()
                    let good = response.status == 200 && response.body.hasPrefix("release ")
                    lock.withLock {
                        requests += 1
                        if !good { failures["\(response.status) \(response.body.prefix(40))", default: 0] += 1 }
                    }
                    Thread.sleep(forTimeInterval: pause)
                }
            }
            threads.append(thread)
            thread.start()
        }
    }

    /// Stops the clients and waits for their last requests.
    func stop() {
        lock.withLock { stopped = true }
        while threads.contains(where: { !$0.isFinished }) { usleep(10_000) }
    }

    var failed: Int { lock.withLock { failures.values.reduce(0, +) } }
}
