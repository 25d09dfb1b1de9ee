/// The class of a path: what makes it and so whether it must survive a deploy.
package enum PathClass: String, Sendable, Codable, CaseIterable {
    /// Ships with the code: a real directory in each release, replaced by every deploy.
    case asset
    /// Made by the app's users: lives in shared/, linked into every release.
    case user
    /// Made by the running app: lives in shared/, linked into every release.
    case runtime
    /// Per-server configuration such as `.env`: lives in shared/, linked into every release.
    case config
    /// Ships with the code, and what the running app writes below it may be dropped with the
    /// release (framework caches, compiled views): the drift guard does not stop for it.
    case disposable

    /// True for every class that lives in shared/.
    package var isPersistent: Bool { self != .asset && self != .disposable }
}

package enum PathKind: String, Sendable, Codable {
    case dir, file
}

/// One classified path, relative to the app root, with the reason that decided its class.
package struct ClassifiedPath: Sendable, Codable, Equatable {
    package var path: String
    package var kind: PathKind
    package var `class`: PathClass
    package var reason: String
    /// For a path that must be a link to another path of the app rather than into shared/
    /// (Laravel's `public/storage` -> `storage/app/public`): that path, relative to the app root.
    package var linkTarget: String?

    package init(path: String, kind: PathKind, class pathClass: PathClass, reason: String, linkTarget: String? = nil) {
        self.path = path
        self.kind = kind
        self.class = pathClass
        self.reason = reason
        self.linkTarget = linkTarget
    }
}

/// The whole model of an app that the deploy is planned from.
package struct Classification: Sendable, Codable, Equatable {
    package var framework: Framework
    package var webRoot: String
    package var evidence: [String]
    /// Every web-root subdirectory and every persistent path outside the web root, sorted by path.
    package var paths: [ClassifiedPath]
    /// Things a person should look at (undecided directories, overrides that matched nothing).
    package var warnings: [String]

    package init(detection: DetectionResult, paths: [ClassifiedPath], warnings: [String] = []) {
        self.framework = detection.framework
        self.webRoot = detection.webRoot
        self.evidence = detection.evidence
        self.paths = paths
        self.warnings = warnings
    }

    /// The paths that live in shared/ (links to other app paths excluded).
    package var persistentPaths: [ClassifiedPath] { paths.filter { $0.class.isPersistent && $0.linkTarget == nil } }

    /// The web-root directories that ship with each release.
    package var assetPaths: [ClassifiedPath] { paths.filter { $0.class == .asset } }
}
