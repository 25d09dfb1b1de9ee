import PersistDeployKit
import Testing

@Suite struct PathNameTests {
    @Test(arguments: [
        ("/r", "shared", "/r/shared"), ("/r/", "shared", "/r/shared"), ("/", "etc", "/etc"),
        ("/r", "", "/r"), ("/r", ".", "/r"), ("", "a", "a"), ("a", "b/c", "a/b/c"),
    ])
    func join(base: String, relative: String, expected: String) {
        #expect(PathName.join(base, relative) == expected)
    }

    @Test func joinTakesSeveralParts() {
        #expect(PathName.join("/r", "shared", "public", "uploads") == "/r/shared/public/uploads")
    }

    @Test(arguments: [
        ("/r/shared/.env", "/r/shared", ".env"), ("/r/", "/", "r"), ("/r", "/", "r"), ("/", "/", "/"),
        ("name", ".", "name"), ("a/b", "a", "b"), ("/r/releases/1/", "/r/releases", "1"),
    ])
    func parentAndBasename(path: String, parent: String, basename: String) {
        #expect(PathName.parent(path) == parent)
        #expect(PathName.basename(path) == basename)
    }

    @Test(arguments: [
        ("/r/./shared//public/../.env", "/r/shared/.env"), ("/../..", "/"), ("/", "/"), ("", "."),
        ("a/../..", ".."), ("./a/./b/", "a/b"), ("a/..", "."), ("//r///x", "/r/x"), ("../../x", "../../x"),
    ])
    func normalize(path: String, expected: String) {
        #expect(PathName.normalize(path) == expected)
    }

    @Test func absoluteResolvesAgainstTheDirectory() {
        #expect(PathName.absolute("shared", from: "/r") == "/r/shared")
        #expect(PathName.absolute("../x", from: "/r/releases") == "/r/x")
        #expect(PathName.absolute("/etc/./x", from: "/r") == "/etc/x")
    }

    /// The links of the contract's layout, each with the right number of `../` for its depth.
    @Test(arguments: [
        ("/r/releases/1/public/uploads", "/r/shared/public/uploads", "../../../shared/public/uploads"),
        ("/r/releases/1/.env", "/r/shared/.env", "../../shared/.env"),
        ("/r/releases/1/storage", "/r/shared/storage", "../../shared/storage"),
        ("/r/current", "/r/releases/1", "releases/1"),
        ("/r/current", "/r/releases/2026-11-22_14-30-00-2", "releases/2026-11-22_14-30-00-2"),
        ("/home/u/public_html", "/home/u/app/current/public", "app/current/public"),
        ("/a/b/link", "/a/b", "."), ("/a/b/link", "/a", ".."), ("/a/link", "/x/y", "../x/y"),
        ("/r/./releases//1/../1/.env", "/r/shared/./.env", "../../shared/.env"),
    ])
    func relativeLink(link: String, target: String, expected: String) {
        #expect(PathName.relativeLink(at: link, to: target) == expected)
        // The text, read from the link's folder, leads to the target.
        #expect(PathName.absolute(expected, from: PathName.parent(PathName.normalize(link))) == PathName.normalize(target))
    }

    @Test func isWithinIsByComponentNotByPrefix() {
        #expect(PathName.isWithin("/r/shared/x", "/r/shared"))
        #expect(PathName.isWithin("/r/shared", "/r/shared/"))
        #expect(PathName.isWithin("/anything", "/"))
        #expect(!PathName.isWithin("/r/shared-old/x", "/r/shared"))
        #expect(!PathName.isWithin("/r/shared/../secret", "/r/shared"))
        #expect(!PathName.isWithin("/r", "/r/shared"))
    }

    @Test func relativeIsNilOutsideTheBase() {
        #expect(PathName.relative("/r/shared/public/uploads", to: "/r/shared") == "public/uploads")
        #expect(PathName.relative("/r/shared", to: "/r/shared") == ".")
        #expect(PathName.relative("/etc/x", to: "/") == "etc/x")
        #expect(PathName.relative("/r/shared-old", to: "/r/shared") == nil)
        #expect(PathName.relative("/r/shared/../x", to: "/r/shared") == nil)
    }

    @Test func withoutTrailingSlashes() {
        #expect(PathName.withoutTrailingSlashes("/r/current//") == "/r/current")
        #expect(PathName.withoutTrailingSlashes("/") == "/")
        #expect(PathName.withoutTrailingSlashes("///") == "/")
        #expect(PathName.withoutTrailingSlashes("a") == "a")
    }

    @Test func componentsDropEmptyAndDotParts() {
        #expect(PathName.components("/a//b/./c/") == ["a", "b", "c"])
        #expect(PathName.components("/") == [])
    }

    /// A name may start with a combining mark, which Swift's characters glue to the `/` before it:
    /// path arithmetic must still see every `/`.
    @Test func aCombiningMarkAfterASlashIsStillTwoComponents() {
        let path = "/r/shared/\u{301}x/y"
        #expect(PathName.components(path) == ["r", "shared", "\u{301}x", "y"])
        #expect(PathName.basename("/r/\u{301}x").unicodeScalars.elementsEqual("\u{301}x".unicodeScalars))
        #expect(PathName.parent("/r/\u{301}x/y").unicodeScalars.elementsEqual("/r/\u{301}x".unicodeScalars))
        #expect(PathName.relative(path, to: "/r/shared").map { Array($0.utf8) } == Array("\u{301}x/y".utf8))
        #expect(PathName.relativeLink(at: "/r/releases/1/\u{301}x", to: "/r/shared/\u{301}x") == "../../shared/\u{301}x")
    }

    /// "café" composed and decomposed are two folders: neither lies inside the other, and a link
    /// from one never counts as a link to the other.
    @Test func canonicallyEquivalentNamesAreDifferentPaths() {
        let composed = "/r/shared/caf\u{E9}"
        let decomposed = "/r/shared/cafe\u{301}"
        #expect(composed == decomposed)  // Swift's own ==
        #expect(!PathName.sameBytes(composed, decomposed))
        #expect(!PathName.isWithin(composed + "/a", decomposed))
        #expect(PathName.isWithin(decomposed + "/a", decomposed))
        #expect(PathName.relative(composed + "/a", to: decomposed) == nil)
        #expect(PathName.relativeLink(at: "/r/releases/1/caf\u{E9}", to: decomposed) == "../../shared/cafe\u{301}")
        #expect(PathName.relativeLink(at: "/r/releases/1/caf\u{E9}", to: decomposed).utf8.elementsEqual("../../shared/cafe\u{301}".utf8))
    }

    /// Names sort by their bytes, escapes standing for the bytes they replace.
    @Test func namesSortByTheirBytes() {
        let names: [[UInt8]] = [[0x61, 0xE9], [0x61, 0x7A], Array("a\u{E9}".utf8), Array("ae\u{301}".utf8), [0x61, 0xFF], [0x61], [0xEF, 0x9F, 0xA9]]
        let sorted = names.map(NameBytes.string).sorted(by: PathName.bytewiseLess).map(NameBytes.bytes)
        #expect(sorted == names.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
