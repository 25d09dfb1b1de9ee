/// The refusals a deploy makes before anything changes, from what the new release is compared
/// with what is live: an exit 1 from these means nothing moved.
extension DeployPlanner {
    /// Refuses a root or shared/ the web user cannot reach, a release that is not the same kind of
    /// app as the live one (a broken upload looks like that), an asset folder shipped as a link, and a persistent path turned `asset`
    /// without `--reclassify`. Returns the warnings of what was allowed.
    func checkBeforeChanging(
        _ request: DeployRequest, classification: Classification, state: DeployState, content: String
    ) throws -> [String] {
        var warnings: [String] = []
        if let access = request.webAccess {
            let web = WebAccessCheck(fileSystem: fileSystem, access: access, accounts: .system, readACL: HostProbe.live.acl)
            for target in [root.path, root.shared] {
                if let refusal = web.reachRefusal(target) { throw refusal }
            }
        }
        if let record = state.record, case .release = state.current,
            record.framework != classification.framework || PathName.normalize(record.webRoot) != PathName.normalize(classification.webRoot)
        {
            let was = "a \(record.framework.rawValue) app with web root '\(record.webRoot)'"
            let now = "a \(classification.framework.rawValue) app with web root '\(classification.webRoot)'"
            if !request.allowFrameworkChange {
                throw ToolError(
                    "The new release is \(now), but the live one is \(was)\(try brokenUploadNote(classification, content: content)).",
                    hint: "Nothing was changed. A half-copied or wrongly packed upload looks like this: check it. If the app really "
                        + "changed, deploy again with --allow-framework-change.")
            }
            warnings.append("The app changes from \(was) to \(now) (--allow-framework-change).")
        }
        for asset in classification.assetPaths where asset.kind == .dir {
            let path = PathName.join(content, asset.path)
            guard try fileSystem.type(at: path) == .symlink else { continue }
            let target = (try? fileSystem.readSymlink(at: path)) ?? "?"
            throw ToolError(
                "'\(asset.path)' is a link to '\(target)' in the new release, but it is an asset folder: assets must be real "
                    + "folders of the release (health-check fails on a link there, and the site would serve whatever it points at).",
                hint: "Nothing was changed. Ship the folder itself in the release, or, if it holds users' data, classify "
                    + "\"\(asset.path)\" as \"user\" in persist-deploy.json.")
        }
        let reclassified = reclassifiedPaths(classification, record: state.record)
        if !reclassified.isEmpty {
            guard request.reclassify else { throw Self.reclassifyRefusal(reclassified, root: root) }
            for path in reclassified {
                warnings.append(
                    "'\(path.path)' is now an asset (--reclassify): the release's own copy is served, and its data stays in "
                        + "'\(root.sharedPath(path.path))', no longer linked.")
            }
        }
        return warnings
    }

    /// Paths the live deploy kept in shared/ (user, runtime, config) that this release classifies
    /// `asset`: the next switch would serve the release's copy instead of the data.
    package func reclassifiedPaths(_ classification: Classification, record: PersistenceRecord?) -> [ClassifiedPath] {
        let assets = Set(classification.assetPaths.map(\.path))
        return (record?.persistentPaths ?? []).filter { assets.contains($0.path) }
    }

    package static func reclassifyRefusal(_ paths: [ClassifiedPath], root: DeployRoot) -> ToolError {
        let described = paths.map { "'\($0.path)' (was \($0.class.rawValue), data in '\(root.sharedPath($0.path))')" }
        return ToolError(
            "\(described.joined(separator: ", ")) \(paths.count == 1 ? "is" : "are") now classified asset: the deploy would "
                + "serve the release's own copy instead, and the app would no longer see that data.",
            hint: "Nothing was changed. If that is intended, deploy again with --reclassify (the data stays in shared/; "
                + "nothing there is deleted). Otherwise classify the path as \"user\" in persist-deploy.json.")
    }

    /// ", and it has no index.php in its web root: …" when the new release lacks an entry point.
    private func brokenUploadNote(_ classification: Classification, content: String) throws -> String {
        let webRoot = PathName.join(content, classification.webRoot)
        for entry in ["index.php", "index.html"] where try fileSystem.type(at: PathName.join(webRoot, entry)) != nil {
            return ""
        }
        return ", and it has no index.php or index.html in '\(classification.webRoot)': this looks like a broken upload"
    }
}
