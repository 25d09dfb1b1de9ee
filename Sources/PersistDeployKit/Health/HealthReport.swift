/// The result of one check: the contract's `{"name", "path", "status", "message"}`.
package struct HealthCheckResult: Sendable, Codable, Equatable {
    package enum Status: String, Sendable, Codable {
        case pass, warn, fail

        var label: String {
            switch self {
            case .pass: "PASS"
            case .warn: "WARN"
            case .fail: "FAIL"
            }
        }
    }

    package var name: String
    package var path: String
    package var status: Status
    package var message: String

    package init(name: String, path: String, status: Status, message: String) {
        self.name = name
        self.path = path
        self.status = status
        self.message = message
    }

    /// The line both the native check and `health-check.sh` print: `PASS link storage: ...`.
    package var line: String { "\(status.label) \(name) \(path): \(message)" }
}

/// The contract's health-check JSON: `status`, `passed`, `warnings`, `failed`, `checks`.
package struct HealthReport: Sendable, Codable, Equatable {
    package enum Status: String, Sendable, Codable {
        case healthy, warning, failed
    }

    package var status: Status
    package var passed: Int
    package var warnings: Int
    package var failed: Int
    package var checks: [HealthCheckResult]
    /// When the check ran (ISO 8601, UTC); kept in `.persist-deploy/last-health-check.json` for
    /// `status`, by the native check and by `health-check.sh` alike.
    package var checked: String?

    package init(checks: [HealthCheckResult]) {
        self.checks = checks
        passed = checks.count { $0.status == .pass }
        warnings = checks.count { $0.status == .warn }
        failed = checks.count { $0.status == .fail }
        status = failed > 0 ? .failed : warnings > 0 ? .warning : .healthy
    }

    /// 0 healthy, 1 warnings only, 2 a check failed.
    package var exitCode: ExitCode {
        switch status {
        case .healthy: .success
        case .warning: .failure
        case .failed: .unhealthy
        }
    }

    /// The closing line, exactly as the script prints it.
    package var summaryLine: String { "Results: \(passed) passed, \(warnings) warnings, \(failed) failed" }
}
