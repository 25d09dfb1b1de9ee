import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// A later release that ships files in a persistent folder: files new to the code reach
/// shared/ (never over a user's file), files the code shipped before and users deleted stay
/// deleted. "New to the code" is judged against what the live release shipped there, and a
/// live release that shipped nothing there (the folder was created empty, or adopted from what
/// the app wrote) makes every shipped file new.
@Suite struct NewShippedFilesTests {
    @Test func filesShippedWhereTheLiveReleaseShippedNothingReachShared() throws {
        let scenario = try DeployScenario("new-shipped-files")
        try scenario.write("index.php", "<?php echo 1;\n")
        try scenario.write("persist-deploy.json", #"{"classify": {"media": "user"}}"#)
        let first = scenario.deploy()
        try #require(first.status == 0, "\(first.stderr)")
        let shared = scenario.root + "/shared/media/"
        #expect(try scenario.fileSystem.listDirectory(at: shared).isEmpty, "created empty")
        try scenario.write("media/photo.jpg", "the user's photo", under: scenario.root + "/current")

        // The code starts shipping a default image there, and one named like the user's file.
        try scenario.write("media/default.png", "default image")
        try scenario.write("media/photo.jpg", "a demo photo")
        let second = scenario.deploy()
        try #require(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("1 new file added, 1 shipped file kept as shared/ has them"), "\(second.stdout)")
        #expect(scenario.read(shared + "default.png") == "default image")
        #expect(scenario.read(shared + "photo.jpg") == "the user's photo", "never over a user's file")
        #expect(scenario.read(scenario.root + "/current/media/default.png") == "default image")

        // A user deletes the default image: a release shipping it again does not bring it back.
        try scenario.fileSystem.removeTree(at: shared + "default.png")
        try scenario.write("index.php", "<?php echo 2;\n")
        let third = scenario.deploy()
        try #require(third.status == 0, "\(third.stderr)")
        #expect(try !scenario.fileSystem.exists(shared + "default.png"), "what users deleted stays deleted")
    }

    /// Changed code shipped in a persistent folder stays shared/'s first copy: the deploy says
    /// so, naming the files; changed data files (a demo image a user replaced) are not code.
    @Test func changedCodeShippedInAPersistentFolderIsNamed() throws {
        let scenario = try DeployScenario("stale-shipped-code")
        try scenario.write("index.php", "<?php echo 1;\n")
        try scenario.write("persist-deploy.json", #"{"classify": {"plugins": "user"}}"#)
        try scenario.write("plugins/gallery/main.inc.php", "<?php $version = '1.0';\n")
        try scenario.write("plugins/gallery/demo.jpg", "demo image")
        try #require(scenario.deploy().status == 0)

        try scenario.write("plugins/gallery/main.inc.php", "<?php $version = '1.1'; // fixed\n")
        try scenario.write("plugins/gallery/demo.jpg", "another demo image")
        let later = scenario.deploy()
        try #require(later.status == 0, "\(later.stderr)")
        #expect(later.stderr.contains("1 code file the release ships there with changes does not go live"), "\(later.stderr)")
        #expect(later.stderr.contains("'plugins/gallery/main.inc.php'"), "\(later.stderr)")
        #expect(!later.stderr.contains("demo.jpg"), "\(later.stderr)")
        #expect(scenario.read(scenario.root + "/current/plugins/gallery/main.inc.php") == "<?php $version = '1.0';\n")

        // Unchanged code says nothing.
        try scenario.write("plugins/gallery/main.inc.php", "<?php $version = '1.0';\n")
        try scenario.write("index.php", "<?php echo 2;\n")
        let same = scenario.deploy()
        try #require(same.status == 0, "\(same.stderr)")
        #expect(!same.stderr.contains("does not go live"), "\(same.stderr)")
    }
}
