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
    /// (Laravel's `public/storage` -> `storage/app/public`, or a link the release ships such as
    /// `public/ui -> ../vendor/acme/ui/dist`): that path, relative to the app root.
    package var linkTarget: String?
    /// For a config file the app's installer writes at run time (`config.php`, `wp-config.php`):
    /// the deploy links it into shared/ and never creates it, since an empty one tells the
    /// installer the app is already set up. The installer's write through the link creates it.
    package var writtenByApp: Bool?
    /// For a config file seeded from a file the release ships when shared/ lacks it
    /// (`.env.example`, `.env.production`, CodeIgniter's `env`): that file, relative to the app
    /// root. Records written before this field existed mean `<path>.example`.
    package var example: String?

    package init(
        path: String, kind: PathKind, class pathClass: PathClass, reason: String, linkTarget: String? = nil,
        writtenByApp: Bool? = nil, example: String? = nil
    ) {
        self.path = path
        self.kind = kind
        self.class = pathClass
        self.reason = reason
        self.linkTarget = linkTarget
        self.writtenByApp = writtenByApp
        self.example = example
    }

    /// True for a file the app writes itself, which may rightly be missing from shared/.
    package var awaitsApp: Bool { writtenByApp == true && kind == .file }
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
    /// The warnings in `warnings` that belong to one path ("matched no rule"), by that path: a
    /// deploy gives each of them once and remembers it in the persistence record.
    package var pathWarnings: [String: String] = [:]

    private enum CodingKeys: String, CodingKey {
        case framework, webRoot, evidence, paths, warnings
    }

    package init(detection: DetectionResult, paths: [ClassifiedPath], warnings: [String] = [], pathWarnings: [String: String] = [:]) {
        self.framework = detection.framework
        self.webRoot = detection.webRoot
        self.evidence = detection.evidence
        self.paths = paths
        self.warnings = warnings
        self.pathWarnings = pathWarnings
    }

    /// The paths that live in shared/ (links to other app paths excluded).
    package var persistentPaths: [ClassifiedPath] { paths.filter { $0.class.isPersistent && $0.linkTarget == nil } }

    /// The web-root directories that ship with each release (links the release ships excluded).
    package var assetPaths: [ClassifiedPath] { paths.filter { $0.class == .asset && $0.linkTarget == nil } }
}
