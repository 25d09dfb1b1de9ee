/// The files a release shipped inside each persistent path, recorded before the release changes
/// (seeding moves those folders into shared/): later deploys merge only what is new to the code.
/// What the whole release holds is in its `ReleaseTree`, recorded just before the switch.
package struct ReleaseManifest: Sendable, Codable, Equatable {
    package var release: String
    /// For each persistent path, the files the release shipped below it, relative to that path.
    package var shipped: [String: [String]]
    /// The links the release holds to other paths of itself (paths from the app root): its own
    /// layout, which the health check judges once a rollback makes it live again. A list, not a
    /// dictionary: names are bytes. Nil in manifests written before it was recorded.
    package var appLinks: [AppLink]?

    package struct AppLink: Sendable, Codable, Equatable {
        package var path: String
        package var target: String
    }

    package init(release: String, shipped: [String: [String]], appLinks: [AppLink]? = nil) {
        self.release = release
        self.shipped = shipped
        self.appLinks = appLinks
    }

    /// Only the app links of release `id`'s manifest (what the health check needs), or nil.
    package static func appLinks(of id: String, root: DeployRoot, fileSystem: any FileSystem) -> [AppLink]? {
        struct Links: Decodable { var appLinks: [AppLink]? }
        guard let bytes = try? fileSystem.readFile(at: root.manifest(of: id)) else { return nil }
        return (try? JSONDecoder().decode(Links.self, from: Data(NameBytes.string(bytes).utf8)))?.appLinks
    }

    /// The manifest of release `id`, or nil. Manifests written before `ReleaseTree` existed also
    /// hold `webRootFiles`, which is ignored: their release has no tree and is compared with the
    /// release that replaces it.
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
        let linksText = appLinks.map { links in
            ",\"appLinks\":[" + links.map { "{\"path\":\(Text.jsonString($0.path)),\"target\":\(Text.jsonString($0.target))}" }.joined(separator: ",") + "]"
        } ?? ""
        return "{\"release\":\(Text.jsonString(release)),\"shipped\":{\(shippedText.joined(separator: ","))}\(linksText)}\n"
    }
}
