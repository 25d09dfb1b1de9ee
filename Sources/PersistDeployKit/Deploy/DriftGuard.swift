/// Data rule 4, checked before a deploy changes anything.
extension DeployPlanner {
    /// Data rule 4: files the running app wrote into a directory that the switch would leave
    /// behind stop the deploy before anything changes.
    func checkDrift(live: String, manifest: ReleaseManifest, record: PersistenceRecord?, persistent: Set<String>) throws {
        let shippedFiles = Set(manifest.webRootFiles)
        let assetDirectories = (record?.paths ?? []).filter { $0.class == .asset && $0.kind == .dir && !persistent.contains($0.path) }
        for asset in assetDirectories {
            let directory = PathName.join(live, asset.path)
            guard try fileSystem.type(at: directory) == .directory else { continue }
            // Persistent paths inside an asset folder (WordPress's wp-content/uploads) are links
            // into shared/, not files the app left behind.
            let written = try fileSystem.files(under: directory).filter { file in
                let path = PathName.join(asset.path, file)
                return !shippedFiles.contains(path) && !persistent.contains { PathName.isWithin(path, $0) }
            }
            if !written.isEmpty {
                throw ToolError(
                    "The live release has \(Text.count(written.count, "file")) in '\(asset.path)' that it did not ship "
                        + "(e.g. '\(written[0])'): the running app writes there, and the switch would leave them behind.",
                    hint: "Nothing was changed. Make it persistent by adding \"\(asset.path)\": \"user\" (or \"runtime\") under "
                        + "\"classify\" in persist-deploy.json at the app's root, then deploy again: the files will move to shared/.")
            }
        }
    }
}
