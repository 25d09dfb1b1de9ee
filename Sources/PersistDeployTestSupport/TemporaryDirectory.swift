import Foundation
import PersistDeployKit

/// A fresh directory under the system's temporary folder, removed by `remove()`.
package struct TemporaryDirectory {
    package let path: String

    package init(_ label: String = "test") throws {
        let base = FileManager.default.temporaryDirectory.path
        let template = PathName.join(base, "persist-deploy-\(label)-XXXXXX")
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw SystemCallError(call: "mkdtemp", path: template, code: errno) }
        path = String(cString: bytes)
    }

    package func remove() {
        try? LocalFileSystem().removeTree(at: path)
    }
}
