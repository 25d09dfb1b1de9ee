/// The frameworks the tool knows.
package enum Framework: String, Sendable, Codable, CaseIterable {
    case laravel, next, vue, react, php, unknown
}

/// What `detect` found: the framework, the web root relative to the app root ("." for the app
/// root itself), and the evidence, one sentence a signal.
package struct DetectionResult: Sendable, Codable, Equatable {
    package var framework: Framework
    package var webRoot: String
    package var evidence: [String]

    package init(framework: Framework, webRoot: String, evidence: [String]) {
        self.framework = framework
        self.webRoot = webRoot
        self.evidence = evidence
    }
}
