/// A persistent folder renamed by case only (`public/Uploads` to `public/uploads`) is, on Linux,
/// a new empty folder beside the users' data: the deploy goes through and the site shows none of
/// the old files. Said in a warning naming both, with the copy that joins them.
extension DeployPlanner {
    func caseOnlyRenameWarnings(_ persistent: [ClassifiedPath]) throws -> [String] {
        var warnings: [String] = []
        for path in persistent {
            let shared = root.sharedPath(path.path)
            guard try fileSystem.type(at: shared) == nil else { continue }
            let parent = PathName.parent(shared)
            guard try fileSystem.isDirectory(parent, followSymlink: true) else { continue }
            let name = PathName.basename(shared)
            let folded = Array(name.lowercased().utf8)
            for other in try fileSystem.listDirectory(at: parent)
            where Array(other.lowercased().utf8) == folded && !other.utf8.elementsEqual(name.utf8) {
                let old = PathName.join(parent, other)
                warnings.append(
                    "'\(NameBytes.display(path.path))' is new in shared/, but '\(NameBytes.display(old))' differs from it only by case: "
                        + "if the app renamed the folder, its users' files are there and this release will not show them. "
                        + "Copy them over without replacing anything: cp -an -- \(Shell.quote(old + "/.")) \(Shell.quote(shared + "/"))")
            }
        }
        return warnings
    }
}
