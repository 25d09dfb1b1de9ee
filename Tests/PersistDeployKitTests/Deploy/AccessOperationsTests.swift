import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// The operations that change access, applied to an in-memory tree: what they change and,
/// above all, what they leave alone.
@Suite struct AccessOperationsTests {
    let web = Account(name: "www-data", id: 33)

    func apply(_ operations: [DeployOperation], on fileSystem: InMemoryFileSystem) throws {
        try PlanExecutor(fileSystem: fileSystem, console: nil).apply(operations[...], root: "/srv")
    }

    func status(_ fileSystem: InMemoryFileSystem, _ path: String) throws -> FileStatus {
        try #require(try fileSystem.status(at: path, followSymlink: false))
    }

    @Test func restrictingASecretRemovesOnlyOthersAccess() throws {
        let fileSystem = try InMemoryFileSystem(files: ["/srv/shared/.env": "APP_KEY=x\n"], symlinks: ["/srv/shared/.env.link": "/etc/passwd"])
        try fileSystem.setPermissions(at: "/srv/shared/.env", to: 0o664)
        try fileSystem.setOwner(at: "/srv/shared/.env", user: 1000, group: 33)
        try apply([.restrictSecret(path: "/srv/shared/.env"), .restrictSecret(path: "/srv/shared/.env.link")], on: fileSystem)
        let env = try status(fileSystem, "/srv/shared/.env")
        #expect(env.permissions == 0o660)
        #expect(env.owner == 1000 && env.group == 33, "the admin's owner and group stay")
        #expect(try status(fileSystem, "/srv/shared/.env.link").type == .symlink)
    }

    @Test func aWritableGrantGivesTheTreeToTheGroupWithSetgidFoldersAndNeverFollowsALink() throws {
        let fileSystem = try InMemoryFileSystem(
            files: ["/srv/shared/storage/logs/laravel.log": "log", "/etc/secret": "s"],
            symlinks: ["/srv/shared/storage/escape": "/etc"])
        try fileSystem.setPermissions(at: "/srv/shared/storage/logs/laravel.log", to: 0o604)
        let grant = WebGroupGrant(path: "/srv/shared/storage", group: web, writable: true, secret: false, recursive: true, folder: true)
        try apply([.grantWebGroup(grant)], on: fileSystem)
        #expect(try status(fileSystem, "/srv/shared/storage").permissions == 0o2775)
        #expect(try status(fileSystem, "/srv/shared/storage/logs").permissions == 0o2775)
        let log = try status(fileSystem, "/srv/shared/storage/logs/laravel.log")
        #expect(log.permissions == 0o664 && log.group == 33, "g+rw, others' bits kept")
        #expect(try status(fileSystem, "/etc").group == 0 && status(fileSystem, "/etc/secret").permissions == 0o644)
        #expect(try status(fileSystem, "/srv/shared/storage/escape").group == 0)
    }

    @Test func withoutRecursionOnlyThePathItselfChanges() throws {
        let fileSystem = try InMemoryFileSystem(files: ["/srv/shared/uploads/a/photo.jpg": "jpg"])
        let grant = WebGroupGrant(path: "/srv/shared/uploads", group: web, writable: true, secret: false, recursive: false, folder: true)
        try apply([.grantWebGroup(grant)], on: fileSystem)
        #expect(try status(fileSystem, "/srv/shared/uploads").group == 33)
        #expect(try status(fileSystem, "/srv/shared/uploads/a").group == 0, "users' data is not walked on every deploy")
    }

    @Test func aSecretIsMadeReadableForTheGroupOnly() throws {
        let fileSystem = try InMemoryFileSystem(files: ["/srv/shared/.env": "APP_KEY=x\n"])
        try fileSystem.setPermissions(at: "/srv/shared/.env", to: 0o600)
        let grant = WebGroupGrant(path: "/srv/shared/.env", group: web, writable: false, secret: true, recursive: false, folder: false)
        try apply([.grantWebGroup(grant)], on: fileSystem)
        let env = try status(fileSystem, "/srv/shared/.env")
        #expect(env.permissions == 0o640 && env.group == 33)
    }

    @Test func runAsRootWhatIsCreatedTakesTheRootsOwnerButKeepsAnInheritedGroup() throws {
        let memory = try InMemoryFileSystem(files: ["/build/public/index.php": "<?php"], directories: ["/srv/app", "/build/public"])
        try memory.setOwner(at: "/srv/app", user: 1000, group: 1000)
        let fileSystem = OwningFileSystem.forRoot("/srv/app", fileSystem: memory, runningAsRoot: true)
        #expect(fileSystem is OwningFileSystem)
        #expect(!(OwningFileSystem.forRoot("/srv/app", fileSystem: memory, runningAsRoot: false) is OwningFileSystem))
        try fileSystem.createDirectory(at: "/srv/app/shared/storage/logs", permissions: 0o755)
        try fileSystem.createSymlink(at: "/srv/app/current", target: "releases/x")
        try fileSystem.writeText("{}", to: "/srv/app/shared/.persistence-config")
        try fileSystem.copyTree(from: "/build", to: "/srv/app/releases")
        for path in ["/srv/app/shared", "/srv/app/shared/storage", "/srv/app/shared/storage/logs", "/srv/app/current",
                     "/srv/app/shared/.persistence-config", "/srv/app/releases", "/srv/app/releases/public/index.php"] {
            let found = try status(memory, path)
            #expect(found.owner == 1000 && found.group == 1000, "\(path): \(found.owner):\(found.group)")
        }
        // A setgid folder of the web group passes its group on; that one stays.
        try memory.setOwner(at: "/srv/app/shared/storage", user: nil, group: 33)
        try memory.setPermissions(at: "/srv/app/shared/storage", to: 0o2775)
        try fileSystem.createDirectory(at: "/srv/app/shared/storage/cache", permissions: 0o755)
        let cache = try status(memory, "/srv/app/shared/storage/cache")
        #expect(cache.owner == 1000 && cache.group == 33)
        // Nothing that was there before is touched.
        #expect(try status(memory, "/build/public/index.php").owner == 0)
    }

    @Test func aRootOwnedByRootIsLeftAsItIs() throws {
        let memory = try InMemoryFileSystem(directories: ["/srv/app"])
        #expect(!(OwningFileSystem.forRoot("/srv/app", fileSystem: memory, runningAsRoot: true) is OwningFileSystem))
        // Before the root exists, its nearest parent decides.
        try memory.createDirectory(at: "/home/deploy", permissions: 0o755)
        try memory.setOwner(at: "/home/deploy", user: 1000, group: 1000)
        #expect(OwningFileSystem.forRoot("/home/deploy/site", fileSystem: memory, runningAsRoot: true) is OwningFileSystem)
    }
}

/// Releases a running process uses, read from a `/proc` laid out in memory.
@Suite struct ReleasesInUseTests {
    @Test func aWorkingFolderAnOpenFileOrAMappedFileKeepsARelease() throws {
        let fileSystem = try InMemoryFileSystem(
            files: [
                "/proc/10/cmdline": "php\0artisan\0queue:work\0", "/proc/11/comm": "php-fpm8.2\n",
                "/proc/12/cmdline": "sleep\0100\0",
                "/proc/12/maps": "7f00-7f01 r-xp 00000000 08:01 42   /srv/releases/c/vendor/ext.so\n",
                "/proc/13/cmdline": "persist-deploy\0",
            ],
            directories: ["/srv/releases/a", "/srv/releases/b", "/srv/releases/c", "/srv/releases/d", "/proc/10/fd", "/proc/11/fd", "/proc/12/fd", "/proc/13/fd"],
            symlinks: [
                "/proc/10/cwd": "/srv/releases/a", "/proc/11/cwd": "/", "/proc/11/fd/3": "/srv/releases/b/storage.lock (deleted)",
                "/proc/12/cwd": "/tmp", "/proc/13/cwd": "/srv/releases/d",
            ])
        let found = ReleasesInUse.scan(
            ["/srv/releases/a", "/srv/releases/b", "/srv/releases/c", "/srv/releases/d"], processTable: "/proc", fileSystem: fileSystem, ownPID: 13)
        #expect(found["/srv/releases/a"] == [ReleasesInUse.Use(pid: 10, command: "php artisan queue:work", how: "its working folder")])
        #expect(found["/srv/releases/b"] == [ReleasesInUse.Use(pid: 11, command: "php-fpm8.2", how: "an open file")])
        #expect(found["/srv/releases/c"] == [ReleasesInUse.Use(pid: 12, command: "sleep 100", how: "a mapped file")])
        #expect(found["/srv/releases/d"] == nil, "the deploy itself does not count")
        #expect(ReleasesInUse.warning(release: "a", uses: found["/srv/releases/a"] ?? []).contains("pid 10 (php artisan queue:work) has its working folder in it"))
    }

    @Test func aReleaseWhoseNameExtendsAnotherIsNotConfusedWithIt() throws {
        let fileSystem = try InMemoryFileSystem(
            files: ["/proc/10/comm": "sh\n"], directories: ["/srv/releases/a", "/srv/releases/a-2", "/proc/10/fd"],
            symlinks: ["/proc/10/cwd": "/srv/releases/a-2"])
        #expect(ReleasesInUse.scan(["/srv/releases/a"], processTable: "/proc", fileSystem: fileSystem, ownPID: 1).isEmpty)
    }
}
