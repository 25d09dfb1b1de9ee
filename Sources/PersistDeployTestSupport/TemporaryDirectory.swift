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
        path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package func remove() {
        try? LocalFileSystem().removeTree(at: path)
    }
}
