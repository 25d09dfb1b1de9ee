/// Things in a release's web root that production must not serve, found at deploy time and by the
/// health check: Vite's dev-server marker, a git repository, and `.env` files.
package enum ReleaseHygiene {
    /// One finding: the path relative to the app root and what is wrong with it.
    package struct Finding: Sendable, Equatable {
        package var path: String
        package var message: String
    }

    /// `.env` templates that hold no secrets by convention.
    static let harmlessEnvFiles: Set<String> = [".env.example", ".env.sample", ".env.dist"]

    /// The findings in the web root of the app at `appDirectory` (a release, or a source folder).
    package static func findings(appDirectory: String, webRoot: String, fileSystem: any FileSystem) -> [Finding] {
        let webRootPath = webRoot == "." ? appDirectory : PathName.join(appDirectory, webRoot)
        func shown(_ name: String) -> String { webRoot == "." ? name : PathName.join(webRoot, name) }
        guard let names = try? fileSystem.listDirectory(at: webRootPath) else { return [] }
        var found: [Finding] = []
        for name in names {
            let path = PathName.join(webRootPath, name)
            guard let type = try? fileSystem.type(at: path) else { continue }
            if name == "hot" && type != .directory {
                // laravel-vite-plugin writes public/hot while `npm run dev` runs; with it the
                // @vite directive points every page at the dev server's URL.
                found.append(Finding(path: shown(name),
                    message: "is Vite's dev-server marker (left by `npm run dev`): every page would load its scripts and styles from a developer's machine; delete it and build with `npm run build`"))
            } else if name == ".git" {
                found.append(Finding(path: shown(name),
                    message: "is a git repository inside the web root: the web server may serve the code and its history (/.git/config); keep .git out of the release or deny it in the web server"))
            } else if name == ".env" || (name.hasPrefix(".env.") && !harmlessEnvFiles.contains(name)) {
                // An empty file holds no secret to serve (an empty .env an earlier deploy made for
                // an app that never read one stays persistent, and quiet, until someone fills it).
                // Nor does a link to a file not written yet (an optional `.env.local`, awaited).
                guard let target = try? fileSystem.status(at: path, followSymlink: true) else { continue }
                if target.type == .file, target.size == 0 { continue }
                found.append(Finding(path: shown(name),
                    message: "is inside the web root: the web server may serve it, secrets and all; keep it outside the web root or deny /.env* in the web server"))
            }
        }
        return found
    }
}
