/// Where the app sits in an extracted release archive: at its top, or inside the one folder the
/// archive holds (a GitHub tarball's `app-1.2.3/`, or `tar -czf app.tar.gz app/`). Deploying the
/// wrapper folder as the release deploys "successfully" and serves nothing, so the folder is
/// stripped when the app is inside it, and the deploy stops before anything goes live when the
/// archive holds one folder and no app the tool recognises.
package enum ArchiveLayout {
    /// Files any app the tool deploys has at its top; one of them marks the app's folder.
    static let appMarkers = [
        "index.php", "index.html", "composer.json", "package.json", "artisan", "wp-config-sample.php", "persist-deploy.json",
    ]
    /// A lone folder with one of these names is the release's web root, kept as it is.
    static let webRootNames: Set<String> = ["public", "public_html", "web", "htdocs", "dist", "build", "www"]
    /// Entries archivers add that are not part of the app.
    private static let clutter: Set<String> = ["__MACOSX", ".DS_Store", "pax_global_header"]

    /// The folder inside `extracted` that holds the app, relative to it, or nil when the app is
    /// at the top (or the archive's one folder is a web root).
    ///
    /// - Throws: `ToolError` (exit 1) when the archive holds one folder and no app at its top or
    ///   in that folder; nothing has gone live then.
    package static func appFolder(in extracted: String, archive: String, fileSystem: any FileSystem) throws(ToolError) -> String? {
        let reader = AppReader(fileSystem: fileSystem, appDirectory: extracted)
        if try hasMarker(reader, in: ".") { return nil }
        let names = try reader.list(".").filter { !clutter.contains($0) && !$0.hasPrefix("._") }
        guard names.count == 1, let folder = names.first, try reader.isDirectory(folder) else { return nil }
        if webRootNames.contains(folder.lowercased()) { return nil }
        if try hasMarker(reader, in: folder) { return folder }
        throw ToolError(
            "The archive '\(archive)' holds one folder, '\(NameBytes.display(folder))/', and no app at its top or inside that folder "
                + "(none of \(appMarkers.joined(separator: ", "))).",
            hint: "Nothing was changed. Pack the app's own files at the top of the archive (tar -czf app.tar.gz -C app .), "
                + "or check that it is the right archive.")
    }

    private static func hasMarker(_ reader: AppReader, in folder: String) throws(ToolError) -> Bool {
        for marker in appMarkers where try reader.exists(AppReader.join(folder, marker)) { return true }
        return false
    }
}
