import Glibc

/// How `recover` puts a link back: through a temporary link renamed (or exchanged) into place,
/// so the live release never lacks the path, and without overwriting anything found there.
extension Recovery {
    /// The temporary link's name: fixed, since recover holds the deploy lock, so a rerun finds
    /// what a killed run left.
    static let temporaryName = ".persist-deploy-link"

    /// Makes `path` a symlink with `text`: a temporary link renamed over it, so there is never a
    /// moment without one. Only ever replaces a link or nothing.
    func pointLink(at path: String, text: String) throws(SystemCallError) {
        let temporary = try temporaryLink(beside: path, text: text)
        try fileSystem.rename(temporary, to: path, replacing: true)
    }

    /// A new link with `text` at a fixed name beside `path` (recover holds the deploy lock), after
    /// removing what a killed run left there: its link, or the emptied folder of an exchange.
    func temporaryLink(beside path: String, text: String) throws(SystemCallError) -> String {
        let parent = PathName.parent(path)
        try fileSystem.createDirectory(at: parent, permissions: 0o755)
        let temporary = PathName.join(parent, Self.temporaryName)
        switch type(temporary) {
        case .symlink: try fileSystem.removeTree(at: temporary)
        case .directory where try fileSystem.listDirectory(at: temporary).isEmpty: try fileSystem.removeTree(at: temporary)
        default: break
        }
        try fileSystem.createSymlink(at: temporary, target: text)
        return temporary
    }

    /// Turns the emptied real folder `path` into a link with `text` with one exchange, so the
    /// live release never lacks the path; the folder then sits at the temporary name and is
    /// merged into `into` (anything written there meanwhile) and removed. Where the file system
    /// cannot exchange, the empty folder is removed first and the link renamed in.
    func replaceEmptyFolder(_ path: String, text: String, into: String, say: (String) -> Void) throws(SystemCallError) {
        let temporary = try temporaryLink(beside: path, text: text)
        do {
            try fileSystem.exchange(temporary, path)
        } catch where error.code == EINVAL || error.code == ENOSYS {
            try merge(path, into: into, say: say)
            try fileSystem.rename(temporary, to: path, replacing: true)
            return
        }
        try merge(temporary, into: into, say: say)
    }

    /// Moves each entry of `source` into `destination` without overwriting: folders present on
    /// both sides are merged, a file with the same bytes as its namesake is dropped, any other
    /// clash keeps both (the newcomer gets a free `.recovered-<stamp>` name). The emptied `source` is removed only once it is empty (and
    /// not at all with `keepingSource`).
    func merge(
        _ source: String, into destination: String, say: (String) -> Void, keepingSource: Bool = false
    ) throws(SystemCallError) {
        try fileSystem.createDirectory(at: destination, permissions: 0o755)
        for name in try fileSystem.listDirectory(at: source) {
            let entry = PathName.join(source, name)
            let target = PathName.join(destination, name)
            let targetType = type(target)
            if type(entry) == .directory && targetType == .directory {
                try merge(entry, into: target, say: say)
            } else if targetType == .file, try fileSystem.sameContents(entry, target) {
                // The release's duplicate of what shared/ holds.
                try fileSystem.removeTree(at: entry)
            } else if targetType != nil {
                // Planning left differing copies alone; this one appeared since: keep both.
                let free = freeName(target + ".recovered-" + stamp)
                say("  kept both: \(target) is saved as \(free)")
                try move(entry, to: free)
            } else {
                try move(entry, to: target)
            }
        }
        guard try fileSystem.listDirectory(at: source).isEmpty else {
            throw SystemCallError(call: "rmdir", path: source, code: ENOTEMPTY)
        }
        if !keepingSource { try fileSystem.removeTree(at: source) }
    }

    /// Renames without replacing; across file systems copies, then removes the source.
    func move(_ source: String, to destination: String) throws(SystemCallError) {
        do {
            try fileSystem.rename(source, to: destination, replacing: false)
        } catch where error.code == EXDEV {
            try fileSystem.copyTree(from: source, to: destination)
            try fileSystem.removeTree(at: source)
        }
    }

    /// `path`, or `path-2`, `path-3`... the first name not taken.
    func freeName(_ path: String) -> String {
        var candidate = path
        var number = 2
        while type(candidate) != nil {
            candidate = "\(path)-\(number)"
            number += 1
        }
        return candidate
    }
}
