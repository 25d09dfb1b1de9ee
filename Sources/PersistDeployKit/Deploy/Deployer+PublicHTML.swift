extension Deployer {
    /// `--public-html PATH --sync`: the served folder stays real; the release's web root is
    /// copied in, and only what the previous sync copied and this release no longer ships is removed.
    func syncPublicHTML(_ publicHTML: String, plan: DeployPlan) throws(ToolError) {
        let fileSystem = context.fileSystem
        guard let record = try PersistenceRecord.load(from: root, fileSystem: fileSystem) else {
            throw ToolError("'\(root.configRecord)' is missing after the deploy.", hint: "Run 'persist-deploy generate', then the deploy again.")
        }
        let webRoot = PathName.join(plan.releasePath, record.webRoot)
        let shipped: [String]
        do {
            shipped = try fileSystem.files(under: webRoot)
        } catch {
            throw ToolError.system(error, while: "Listing the web root '\(webRoot)'")
        }
        let previous = (try? fileSystem.readText(at: root.publicHTMLShipped))
            .flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        let report = try PublicHTML.sync(
            publicHTML: publicHTML, root: root, record: record, release: plan.releasePath, shipped: shipped,
            previouslyShipped: previous, allowLinks: false, fileSystem: fileSystem)
        do {
            try fileSystem.writeText("[" + shipped.map(Text.jsonString).joined(separator: ",") + "]\n", to: root.publicHTMLShipped)
        } catch {
            throw ToolError.system(error, while: "Recording what was synced into '\(publicHTML)'")
        }
        console.say("Synced '\(publicHTML)': \(Text.count(report.copied.count, "file")) copied, \(report.removed.count) removed.")
        for note in report.notes { console.warn(note) }
    }
}
