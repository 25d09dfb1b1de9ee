/// The files every deploy leaves in shared/ so a person can check and repair the site without
/// the tool: two standalone bash scripts and three guides written with the root's real paths.
package enum SafetyNet {
    /// A generated file: its name in shared/, its text and its mode.
    package struct File: Sendable, Equatable {
        package var name: String
        package var text: String
        package var permissions: UInt32
    }

    /// Renders every file without touching the disk (the golden tests and `write` use this).
    /// - `audience`: the guides for the binary, or for the upload bundle's `deploy.sh`.
    /// - `liveIndex`: the live release's Laravel `index.php`, for the guide's by-hand copy.
    /// - `liveAppLinks`: the live release's own app links (its manifest's) when it is not the
    ///   release the record was written for (after a rollback); nil for the record's.
    package static func render(
        root: DeployRoot, record: PersistenceRecord, history: [HistoryRecord], publicHTML: String?,
        audience: GuideAudience = .binary, liveIndex: String? = nil, liveAppLinks: [ReleaseManifest.AppLink]? = nil
    ) throws(ToolError) -> [File] {
        let publicHTML = publicHTML ?? record.servedFolder?.path
        let expectations = LayoutExpectations(record: record, root: root).withAppLinks(liveAppLinks)
        var healthValues = expectations.scriptValues
        healthValues["framework"] = .shellWord(record.framework.rawValue)
        healthValues["web_root"] = .shellWord(record.webRoot)
        healthValues["asset_rows"] = .shellRows(expectations.assets.map { [$0] })
        healthValues["web_user"] = .shellWord(expectations.webUser)
        healthValues["web_group"] = .shellWord(expectations.webGroup)
        healthValues["writable_rows"] = .shellRows(expectations.writableSubfolders.map { [$0] })
        healthValues["disposable_rows"] = .shellRows(expectations.disposable.map { [$0] })
        healthValues["drift_functions"] = .scriptPart("scripts/drift-functions.sh.tmpl")
        healthValues["adoption_journal"] = .scriptPart("scripts/adoption-journal.sh.tmpl")
        var recoveryValues = expectations.scriptValues
        recoveryValues["framework"] = .shellWord(record.framework.rawValue)
        recoveryValues["web_root"] = .shellWord(record.webRoot)
        recoveryValues["served_link"] = .shellWord(expectations.servedLink)
        recoveryValues["laravel_index"] = .shellWord(PublicHTML.laravelIndex(original: nil, root: root))
        recoveryValues["adoption_journal"] = .scriptPart("scripts/adoption-journal.sh.tmpl")
        let guides = Guides(
            root: root, record: record, expectations: expectations, history: history, publicHTML: publicHTML, audience: audience,
            liveIndex: liveIndex)
        return [
            File(name: "health-check.sh", text: try Template.embedded("scripts/health-check.sh.tmpl").render(healthValues), permissions: 0o755),
            File(name: "emergency-recovery.sh", text: try Template.embedded("scripts/emergency-recovery.sh.tmpl").render(recoveryValues),
                 permissions: 0o755),
            File(name: "DEPLOYMENT-SUMMARY.md", text: try guides.summary(), permissions: 0o644),
            File(name: "MANUAL-SETUP-GUIDE.md", text: try guides.manualSetup(), permissions: 0o644),
            File(name: "SHARED-HOSTING-SETUP.md", text: try guides.sharedHosting(), permissions: 0o644),
        ]
    }

    /// Writes health-check.sh, emergency-recovery.sh (0755) and the three guides into
    /// `root.shared`, each through a temporary file and a rename. Returns the paths written.
    @discardableResult
    package static func write(
        root: DeployRoot, record: PersistenceRecord, history: [HistoryRecord], publicHTML: String?, liveIndex: String? = nil,
        liveAppLinks: [ReleaseManifest.AppLink]? = nil, fileSystem: any FileSystem
    ) throws(ToolError) -> [String] {
        let files = try render(
            root: root, record: record, history: history, publicHTML: publicHTML, liveIndex: liveIndex, liveAppLinks: liveAppLinks)
        var written: [String] = []
        for file in files {
            let path = root.sharedPath(file.name)
            do {
                try fileSystem.createDirectory(at: root.shared, permissions: 0o755)
                try fileSystem.writeText(file.text, to: path, permissions: file.permissions)
            } catch {
                throw ToolError.system(error, while: "Writing '\(path)'")
            }
            written.append(path)
        }
        return written
    }
}
