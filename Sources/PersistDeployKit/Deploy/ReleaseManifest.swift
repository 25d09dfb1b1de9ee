/// What a release shipped, recorded when it is deployed: the files in its non-persistent web-root
/// directories (the drift guard compares the live release against them) and the files it shipped
/// inside each persistent path (later deploys merge only what is new to the code).
package struct ReleaseManifest: Sendable, Codable, Equatable {
    package var release: String
    /// Files below the web root's asset directories, relative to the app root.
    package var webRootFiles: [String]
    /// For each persistent path, the files the release shipped below it, relative to that path.
    package var shipped: [String: [String]]

    package init(release: String, webRootFiles: [String], shipped: [String: [String]]) {
        self.release = release
        self.webRootFiles = webRootFiles
        self.shipped = shipped
    }

    package static func load(_ id: String, root: DeployRoot, fileSystem: any FileSystem) -> ReleaseManifest? {
        guard let bytes = try? fileSystem.readFile(at: root.manifest(of: id)) else { return nil }
        return try? JSONDecoder().decode(ReleaseManifest.self, from: Data(NameBytes.string(bytes).utf8))
    }

    /// The manifest as JSON, written by hand: JSONEncoder spends about 10,000 instructions per
    /// string, which for a release shipping 10,000 demo files cost more than the rest of the
    /// deploy. Read back with JSONDecoder.
    package var json: String {
        func list(_ items: [String]) -> String { "[" + items.map(Text.jsonString).joined(separator: ",") + "]" }
        let shippedText = shipped.keys.sorted().map { "\(Text.jsonString($0)):\(list(shipped[$0] ?? []))" }
        return "{\"release\":\(Text.jsonString(release)),\"shipped\":{\(shippedText.joined(separator: ","))},"
            + "\"webRootFiles\":\(list(webRootFiles))}\n"
    }
}
