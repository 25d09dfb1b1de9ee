import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A real Apache with PHP as an Apache module, started by the test on 127.0.0.1 with its own
/// configuration and ServerRoot, serving the `~/public_html` of a fresh non-root account with
/// `Options SymLinksIfOwnerMatch` (links refused there in the third mode). Three deploys with
/// uploads made through HTTP between them: every upload is served after every deploy, the new
/// code is served, nothing is lost.
@Suite(.serialized) struct ApacheEndToEndTests {
    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        case link, syncLinksAllowed, syncLinksRefused
        var testDescription: String { rawValue }
    }

    enum App: String, CaseIterable, CustomTestStringConvertible {
        /// PHP with its web root at the top (`index.php`, `upload.php`, `uploads/`).
        case plainPHP
        /// Laravel-shaped: code outside `public/`, uploads to the public disk served at /storage.
        case laravel
        var testDescription: String { rawValue }
    }

    static let modules = "/usr/lib/apache2/modules"
    /// PHP as an Apache module (`libphp8.2.so` on Debian 12), whichever version is installed.
    static let phpModule = ((try? FileManager.default.contentsOfDirectory(atPath: modules)) ?? [])
        .filter { $0.hasPrefix("libphp") && $0.hasSuffix(".so") }.sorted().last.map { modules + "/" + $0 }

    /// Why the test cannot run here, or nil.
    static func missing() -> String? {
        if getuid() != 0 { return "not root: Apache is started as root and serves a fresh account made with useradd" }
        guard phpModule != nil else { return "PHP is not installed as an Apache module (apt-get install libapache2-mod-php; .ci/run does)" }
        for path in ["/usr/sbin/apache2", "\(modules)/mod_mpm_prefork.so", "/usr/bin/curl"] where !FileManager.default.fileExists(atPath: path) {
            return "\(path) is missing (apt-get install apache2 libapache2-mod-php curl; .ci/run does)"
        }
        return nil
    }

    /// The app at version `version`, written into `directory`. Its `.htaccess` names the file
    /// SHARED-HOSTING-SETUP.md has the account write, which makes PHP drop its realpath cache
    /// before each request (the measured remedy for old code after a switch in link mode).
    static func writeApp(_ app: App, version: Int, into directory: String, prepend: String) throws {
        let fileSystem = LocalFileSystem()
        func write(_ relative: String, _ text: String) throws {
            let path = directory + "/" + relative
            try fileSystem.createDirectory(at: PathName.parent(path), permissions: 0o755)
            try fileSystem.writeText(text, to: path)
        }
        let htaccess = "<IfModule php_module>\n    php_value auto_prepend_file \"\(prepend)\"\n</IfModule>\n"
        switch app {
        case .plainPHP:
            try write("index.php", "<?php require __DIR__ . '/version.php'; echo 'code v' . APP_VERSION . \"\\n\";\n")
            try write("version.php", "<?php const APP_VERSION = \(version);\n")
            try write("upload.php", """
                <?php
                $name = basename($_FILES['file']['name']);
                if (!move_uploaded_file($_FILES['file']['tmp_name'], __DIR__ . '/uploads/' . $name)) { http_response_code(500); exit("failed\\n"); }
                echo "saved $name\\n";

                """)
            try write("uploads/demo.txt", "demo upload\n")
            try write(".htaccess", htaccess)
        case .laravel:
            try write("artisan", "#!/usr/bin/env php\n")
            try write("composer.json", #"{"require": {"laravel/framework": "^11.0"}}"#)
            try write(".env.example", "APP_KEY=\n")
            try write("public/index.php", """
                <?php

                use Illuminate\\Http\\Request;

                define('LARAVEL_START', microtime(true));

                if (file_exists($maintenance = __DIR__.'/../storage/framework/maintenance.php')) {
                    require $maintenance;
                }

                require __DIR__.'/../vendor/autoload.php';

                (require_once __DIR__.'/../bootstrap/app.php')
                    ->handleRequest(Request::capture());

                """)
            try write("public/.htaccess", htaccess)
            try write("public/css/app.css", "body{}\n")
            try write("public/uploads/demo.txt", "demo upload\n")
            try write("vendor/autoload.php", "<?php\nnamespace Illuminate\\Http;\nclass Request { static function capture() { return new self(); } }\n")
            try write("app/version.php", "<?php const APP_VERSION = \(version);\n")
            try write("bootstrap/app.php", """
                <?php
                return new class {
                    function handleRequest($request) {
                        if ($_SERVER['REQUEST_METHOD'] === 'POST') {
                            $name = basename($_FILES['file']['name']);
                            if (!move_uploaded_file($_FILES['file']['tmp_name'], __DIR__ . '/../storage/app/public/' . $name)) { http_response_code(500); exit("failed\\n"); }
                            echo "saved $name\\n";
                            return;
                        }
                        require __DIR__ . '/../app/version.php';
                        echo 'code v' . APP_VERSION . "\\n";
                    }
                };

                """)
            try write("storage/app/public/.gitignore", "*\n!.gitignore\n")
            try write("storage/logs/.gitignore", "*\n!.gitignore\n")
        }
    }

    /// Apache on a free port of 127.0.0.1, as the account, serving its public_html. It runs in
    /// the foreground in a session of its own (on shutdown Apache signals its whole process
    /// group), and is stopped by its pid.
    final class Server {
        let directory: TemporaryDirectory
        private(set) var port = 0
        private var pid: pid_t = 0

        init(account: GuestAccount, refuseLinks: Bool) throws {
            directory = try TemporaryDirectory("apache")
            chmod(directory.path, 0o755)
            var found: Int?
            for _ in 0..<10 {
                let port = Int.random(in: 20_000...60_000)
                try Self.configuration(account: account, root: directory.path, port: port, refuseLinks: refuseLinks)
                    .write(toFile: directory.path + "/httpd.conf", atomically: true, encoding: .utf8)
                pid = try Self.spawnInItsOwnSession(["/usr/sbin/apache2", "-f", directory.path + "/httpd.conf", "-DFOREGROUND"])
                if Self.waitUntilAnswering(port: port) {
                    found = port
                    break
                }
                stop()
            }
            guard let found else {
                let log = (try? String(contentsOfFile: directory.path + "/error.log", encoding: .utf8)) ?? ""
                throw ToolError("Apache did not start: \(log)")
            }
            port = found
        }

        static func configuration(account: GuestAccount, root: String, port: Int, refuseLinks: Bool) -> String {
            let served = account.home + "/public_html"
            return """
                ServerRoot "\(root)"
                ServerName 127.0.0.1
                Listen 127.0.0.1:\(port)
                PidFile httpd.pid
                ErrorLog error.log
                LoadModule mpm_prefork_module \(modules)/mod_mpm_prefork.so
                LoadModule authz_core_module \(modules)/mod_authz_core.so
                LoadModule dir_module \(modules)/mod_dir.so
                LoadModule mime_module \(modules)/mod_mime.so
                LoadModule php_module \(phpModule ?? "")
                TypesConfig /etc/mime.types
                KeepAlive Off
                StartServers 2
                User \(account.name)
                Group \(account.name)
                DocumentRoot "\(served)"
                <Directory />
                    Options SymLinksIfOwnerMatch
                    AllowOverride All
                    Require all granted
                </Directory>
                \(refuseLinks ? "<Directory \"\(served)\">\n    Options -FollowSymLinks -SymLinksIfOwnerMatch\n</Directory>" : "")
                DirectoryIndex index.php index.html
                <FilesMatch "\\.php$">
                    SetHandler application/x-httpd-php
                </FilesMatch>
                """
        }

        /// Runs `arguments` as a child in a session of its own, with no signal blocked (a thread of
        /// the test runner blocks most, and Apache would inherit that and ignore SIGTERM).
        static func spawnInItsOwnSession(_ arguments: [String]) throws -> pid_t {
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t()
            sigemptyset(&none)
            posix_spawnattr_setsigmask(&attributes, &none)
            var all = sigset_t()
            sigfillset(&all)
            posix_spawnattr_setsigdefault(&attributes, &all)
            let setSession: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc 2.26), hidden without _GNU_SOURCE
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | setSession))
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for descriptor: Int32 in 0...2 {
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
            }
            var child: pid_t = 0
            let argv = arguments.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            let result = posix_spawn(&child, arguments[0], &actions, &attributes, argv, environ)
            guard result == 0 else { throw ToolError("posix_spawn \(arguments[0]) failed: \(String(cString: strerror(result)))") }
            return child
        }

        /// Stops Apache: SIGTERM (it stops its children), SIGKILL after 10 s.
        func stop() {
            guard pid > 0 else { return }
            kill(pid, SIGTERM)
            var status: Int32 = 0
            for _ in 0..<100 {
                if waitpid(pid, &status, WNOHANG) == pid { pid = 0; return }
                usleep(100_000)
            }
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            pid = 0
        }

        static func waitUntilAnswering(port: Int) -> Bool {
            for _ in 0..<50 {
                if let outcome = try? ToolRunner(executable: "/usr/bin/curl").run(["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/"], in: "/"),
                    outcome.exitCode == 0
                {
                    return true
                }
                usleep(100_000)
            }
            return false
        }

        /// (HTTP status, body) of a GET, or of a POST of `upload` as the form field `file`.
        func request(_ path: String, upload: String? = nil) throws -> (status: Int, body: String) {
            var arguments = ["-s", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"]
            if let upload { arguments += ["-F", "file=@\(upload)"] }
            let outcome = try ToolRunner(executable: "/usr/bin/curl").run(arguments, in: "/")
            var lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let status = Int(lines.popLast() ?? "") ?? 0
            return (status, Text.trimmed(lines.joined(separator: "\n")))
        }
    }

    @Test(arguments: Mode.allCases, App.allCases)
    func threeDeploysWithUploadsThroughHTTP(mode: Mode, app: App) throws {
        if let missing = Self.missing() {
            print("skipped: ApacheEndToEndTests: \(missing)")
            return
        }
        let (made, skipped) = try GuestAccount.make("apa")
        guard let account = made else {
            print("skipped: ApacheEndToEndTests: \(skipped ?? "")")
            return
        }
        defer { account.remove() }
        let fileSystem = LocalFileSystem()
        let prepend = account.home + "/site/persist-deploy-fresh-paths.php"
        // The account's home: an empty public_html the host made, the app, the prepend file.
        let setup = try account.bash("""
            mkdir -p ~/public_html ~/site
            printf '<?php clearstatcache(true);\\n' >\(Shell.quote(prepend))
            """)
        try #require(setup.exitCode == 0, "\(setup)")
        let server = try Server(account: account, refuseLinks: mode == .syncLinksRefused)
        defer {
            server.stop()
            server.directory.remove()
        }
        if mode == .syncLinksRefused {
            // The host really refuses links in the served folder.
            let made = try account.bash("echo probe > ~/probe.txt && ln -s ../probe.txt ~/public_html/probe-link.txt")
            #expect(made.exitCode == 0)
            #expect(try server.request("/probe-link.txt").status == 403)
            _ = try account.bash("rm ~/public_html/probe-link.txt")
        }

        let options = switch mode {
        case .link: ""
        case .syncLinksAllowed: " --sync"
        case .syncLinksRefused: " --sync --served-links no"
        }
        let uploadURL = app == .plainPHP ? "/upload.php" : "/index.php"
        let servedAt = app == .plainPHP ? "/uploads/" : "/storage/"
        var uploaded: [String: String] = [:]
        for version in 1...3 {
            let source = account.home + "/app-v\(version)"
            try Self.writeApp(app, version: version, into: source, prepend: prepend)
            try account.own(source)
            let deploy = try account.bash("persist-deploy auto --root ~/site --from \(Shell.quote(source))"
                + (version == 1 ? " --public-html ~/public_html\(options)" : ""))
            #expect(deploy.exitCode == 0, "deploy \(version) (\(mode), \(app)):\n\(deploy)")

            // The new code is served (opcache checks a file's time every 2 s).
            var body = ""
            for _ in 0..<40 {
                body = try server.request("/").body
                if body == "code v\(version)" { break }
                usleep(250_000)
            }
            #expect(body == "code v\(version)", "deploy \(version) (\(mode), \(app)): / answered \(body)")
            #expect(try server.request("/uploads/demo.txt").body == "demo upload")
            for (name, text) in uploaded.sorted(by: { $0.key < $1.key }) {
                let answer = try server.request(servedAt + name)
                #expect(answer.status == 200 && answer.body == text, "deploy \(version) (\(mode), \(app)): \(name) answered \(answer)")
            }
            // An upload through HTTP, served at once.
            let name = "upload-\(version).txt"
            let file = account.home + "/" + name
            try "uploaded before deploy \(version + 1)".write(toFile: file, atomically: true, encoding: .utf8)
            let saved = try server.request(uploadURL, upload: file)
            #expect(saved.status == 200 && saved.body == "saved \(name)", "\(saved)")
            uploaded[name] = "uploaded before deploy \(version + 1)"
            #expect(try server.request(servedAt + name).body == uploaded[name])
        }

        // Nothing lost: every upload is in the data the record names, and the root is healthy.
        let root = DeployRoot(path: account.home + "/site")
        let record = try #require(try PersistenceRecord.load(from: root, fileSystem: fileSystem))
        let dataPath = app == .plainPHP ? "uploads" : "storage/app/public"
        for (name, text) in uploaded {
            #expect(try fileSystem.readText(at: record.dataLocation(of: PathName.join(dataPath, name), root: root)) == text)
        }
        if mode == .syncLinksRefused {
            #expect(record.servedData?.isEmpty == false)
            #expect(try fileSystem.type(at: account.home + "/public_html/" + (app == .plainPHP ? "uploads" : "storage")) == .directory)
        }
        // Healthy, or warnings only for what a plain PHP app keeps in its web root (.env).
        let health = try account.bash("bash ~/site/shared/health-check.sh")
        let warnings = health.stdout.split(separator: "\n").filter { $0.hasPrefix("WARN") || $0.hasPrefix("FAIL") }
        #expect(health.exitCode <= 1 && warnings.allSatisfy { $0.hasPrefix("WARN hygiene .env") }, "\(health)")
    }
}
