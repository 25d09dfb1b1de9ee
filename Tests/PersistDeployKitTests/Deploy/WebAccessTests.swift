import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Deciding what the web user may do (owner, groups, mode bits, ACLs) and resolving its names.
@Suite struct WebAccessTests {
    static let www = Account(name: "www-data", id: 33)
    /// A host with www-data (33, also in group 1001 "deployers") and a group "web" (500).
    static let accounts = Accounts(
        user: { $0 == "www-data" ? (www, 33) : nil },
        group: { ["www-data": Account(name: "www-data", id: 33), "web": Account(name: "web", id: 500)][$0] },
        memberships: { user, primary in user == "www-data" ? [primary, 1001] : [primary] },
        userName: { [0: "root", 33: "www-data", 1000: "deploy"][$0] },
        groupName: { [0: "root", 33: "www-data", 500: "web", 1001: "deployers"][$0] })

    func access(user: String? = "www-data", group: String? = nil) throws -> WebAccess {
        try #require(try WebAccess.resolve(user: user, group: group, accounts: Self.accounts, source: { "--\($0)" }))
    }

    func folder(owner: UInt32, group: UInt32, mode: UInt32) -> FileStatus {
        FileStatus(type: .directory, permissions: mode, owner: owner, group: group)
    }

    @Test func ownerGroupAndOthersBitsDecideInThatOrder() throws {
        let web = try access()
        #expect(web.may(.write, folder(owner: 33, group: 0, mode: 0o700)))
        #expect(!web.may(.write, folder(owner: 33, group: 33, mode: 0o570)), "the owner's bits decide even when the group's would allow")
        #expect(web.may(.write, folder(owner: 0, group: 1001, mode: 0o770)), "a supplementary group counts")
        #expect(!web.may(.write, folder(owner: 0, group: 0, mode: 0o755)))
        #expect(web.may(.read, folder(owner: 0, group: 0, mode: 0o755)))
        #expect(web.may(.write, folder(owner: 0, group: 0, mode: 0o757)))
    }

    @Test func anACLDecidesWithItsMask() throws {
        let web = try access()
        let acl = try #require(AccessControlList.parse("""
            # file: srv/shared/storage
            user::rwx
            group::r-x
            group:33:rwx
            mask::r-x
            other::r-x
            default:group:33:rwx
            """))
        let status = folder(owner: 0, group: 0, mode: 0o755)
        #expect(!web.may(.write, status, acl: acl), "the mask takes write away from the named group")
        var widened = acl
        widened.mask = 7
        #expect(web.may(.write, status, acl: widened))
        #expect(AccessControlList.parse("user::rwx\ngroup::r-x\nother::r-x\n") == nil, "no extended entry: the mode bits say it all")
    }

    @Test func aGroupAloneIsCheckedForItsMembers() throws {
        let web = try access(user: nil, group: "web")
        #expect(web.subject == "group web")
        #expect(web.may(.write, folder(owner: 0, group: 500, mode: 0o2775)))
        #expect(!web.may(.write, folder(owner: 0, group: 0, mode: 0o775)))
    }

    @Test func theWebGroupDefaultsToTheUsersPrimaryGroupAndUnknownNamesAreErrors() throws {
        let web = try access()
        #expect(web.group == Account(name: "www-data", id: 33))
        #expect(web.memberships == [33, 1001])
        #expect(try WebAccess.resolve(user: "", group: nil, accounts: Self.accounts, source: { $0 }) == nil, "an empty name means none")
        let error = #expect(throws: ToolError.self) {
            try WebAccess.resolve(user: "nginx", group: nil, accounts: Self.accounts, source: { "--\($0)" })
        }
        #expect(error?.message == "The web user 'nginx' (--webUser) does not exist on this host.")
        #expect(throws: ToolError.self) { try WebAccess.resolve(user: nil, group: "apache", accounts: Self.accounts, source: { $0 }) }
    }
}
