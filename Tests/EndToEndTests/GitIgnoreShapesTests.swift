import Foundation
import PersistDeployKit
import PersistDeployTestSupport
import Testing

/// Deploys of real apps' shapes where `.gitignore`, a placeholder or a name alone once decided a
/// path: what the release ships there goes live with the next release, nothing the app never
/// writes becomes persistent, and the health check of a fresh, correct install passes.
@Suite struct GitIgnoreShapesTests {
    static func writeLaravel(_ scenario: DeployScenario, version: String) throws {
        try scenario.write("artisan", "<?php\n")
        try scenario.write("bootstrap/app.php", "<?php\n")
        try scenario.write("composer.json", #"{"require": {"laravel/framework": "^12.0"}}"#)
        try scenario.write("public/index.php", "<?php // \(version)\n")
        try scenario.write("storage/logs/.gitignore", "*\n!.gitignore\n")
        try scenario.write("app/Kernel.php", "<?php // \(version)\n")
    }

    /// Lychee's `public/vendor` (git ignores it, the release ships what `vendor:publish` wrote)
    /// and Akaunting's `public/files` (import templates git tracks): each release's copy is served.
    @Test(arguments: [
        ("/vendor\npublic/vendor/\n", ["public/vendor/log-viewer/app.js", "public/vendor/log-viewer/mix-manifest.json", "public/vendor/log-viewer/img/logo.png"]),
        ("/vendor\n", ["public/files/import/invoices.xlsx", "public/files/import/bills.xlsx"]),
    ])
    func filesTheReleaseShipsInAFolderNamedForDataGoLive(gitignore: String, files: [String]) throws {
        let scenario = try DeployScenario("shipped-assets")
        for version in ["v1", "v2"] {
            try Self.writeLaravel(scenario, version: version)
            try scenario.write(".gitignore", gitignore)
            for file in files { try scenario.write(file, "\(file) \(version)") }
            let deployed = scenario.deploy()
            #expect(deployed.status == 0, "\(deployed.stderr)")
        }
        for file in files {
            #expect(scenario.read(scenario.root + "/current/" + file) == "\(file) v2")
        }
        let folder = PathName.parent(PathName.parent(files[0]))
        #expect((try? scenario.fileSystem.type(at: scenario.root + "/shared/" + folder)) == nil, "\(folder) is not in shared/")
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
    }

    /// wallabag's `web/bundles`: built by CI, then a source tarball (no `.gitignore`, only a
    /// `.gitkeep` there), then built again. Every deploy succeeds, nothing built is adopted into
    /// shared/, and the last release's bundle is served.
    @Test func anUnbuiltReleaseBetweenBuiltOnesAdoptsNothing() throws {
        let scenario = try DeployScenario("unbuilt-bundles")
        func write(_ version: String, built: Bool) throws {
            try scenario.write("composer.json", #"{"require": {"symfony/framework-bundle": "^7.0"}}"#)
            try scenario.write("bin/console", "#!/usr/bin/env php\n")
            try scenario.write("web/index.php", "<?php // \(version)\n")
            try scenario.write("web/bundles/.gitkeep", "")
            try scenario.fileSystem.removeTree(at: scenario.app + "/web/bundles/fosjsrouting")
            try scenario.fileSystem.removeTree(at: scenario.app + "/.gitignore")
            if built {
                try scenario.write(".gitignore", "/web/bundles/*\n!/web/bundles/.gitkeep\n/vendor/\n")
                try scenario.write("web/bundles/fosjsrouting/router.js", "router \(version)")
            }
        }
        for (version, built) in [("v1", true), ("v2", false), ("v3", true)] {
            try write(version, built: built)
            let deployed = scenario.deploy()
            #expect(deployed.status == 0, "\(version): \(deployed.stderr)")
            if !built { #expect(deployed.stderr.contains("'web/bundles' is a build's output folder"), "\(deployed.stderr)") }
        }
        #expect(scenario.read(scenario.root + "/current/web/bundles/fosjsrouting/router.js") == "router v3")
        #expect((try? scenario.fileSystem.type(at: scenario.root + "/shared/web/bundles")) == nil)
    }

    /// FreshRSS's `lib/.gitignore` and ProcessWire's lines for a site profile it does not ship:
    /// no empty shared/ folder, no awaited config, a healthy first install.
    @Test func ignoreLinesForLibrariesAndAbsentProfilesLeaveAHealthyInstall() throws {
        let scenario = try DeployScenario("vendored-gitignore")
        try scenario.write("index.php", "<?php\n")
        try scenario.write("lib/phpmailer/phpmailer/src/PHPMailer.php", "<?php class PHPMailer {}\n")
        try scenario.write("lib/.gitignore", "phpmailer/phpmailer/language/\nphpmailer/phpmailer/src/DSNConfigurator.php\n")
        try scenario.write(".gitignore", "site-default/config-dev.php\nsite-default/assets/files\n")
        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed.stderr)")
        #expect(!deployed.stderr.contains("DSNConfigurator"), "\(deployed.stderr)")
        for path in ["shared/lib", "shared/site-default", "current/site-default"] {
            #expect((try? scenario.fileSystem.type(at: scenario.root + "/" + path)) == nil, "\(path)")
        }
        let health = scenario.run(["health-check", "--root", scenario.root])
        #expect(health.status == 0, "\(health.stdout)")
    }

    /// Piwigo keeps every photo in the root `/upload` its `.gitignore` names: a photo the app
    /// saved there is still served after the next deploy.
    @Test func photosInAnIgnoredUploadFolderSurviveADeploy() throws {
        let scenario = try DeployScenario("piwigo-upload")
        try scenario.write("index.php", "<?php // v1\n")
        try scenario.write(".gitignore", "/upload\n/_data\n")
        #expect(scenario.deploy().status == 0)
        try scenario.write("upload/2026/05/01/photo.jpg", "jpeg", under: scenario.root + "/current")
        try scenario.write("index.php", "<?php // v2\n")
        let second = scenario.deploy()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(scenario.read(scenario.root + "/current/upload/2026/05/01/photo.jpg") == "jpeg")
    }

    /// OpenCart: `config.php` and `admin/config.php` start as copies of the shipped
    /// `config-dist.php` (empty: what its installer needs to see), writable through the links;
    /// its Docker-only `.env` files are not made; the health check passes.
    @Test func openCartsSettingsFilesExistForItsInstaller() throws {
        let scenario = try DeployScenario("opencart")
        try scenario.write("upload/index.php", "<?php\n")
        try scenario.write("upload/config-dist.php", "")
        try scenario.write("upload/admin/index.php", "<?php\n")
        try scenario.write("upload/admin/config-dist.php", "")
        try scenario.write("upload/install/index.php", "<?php\n")
        try scenario.write("docker-compose.yml", "services:\n  php:\n    env_file: .env\n")
        try scenario.write(".gitignore", "/upload/config.php\n/upload/admin/config.php\n.env\n.env.docker\n")
        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed.stderr)")
        for path in ["upload/config.php", "upload/admin/config.php"] {
            #expect(scenario.read(scenario.root + "/current/" + path) == "", "\(path) exists through its link")
            #expect(access(scenario.root + "/current/" + path, W_OK) == 0, "\(path) is writable")
        }
        for path in [".env", ".env.docker"] {
            #expect((try? scenario.fileSystem.type(at: scenario.root + "/shared/" + path)) == nil, "\(path)")
        }
        #expect(scenario.run(["health-check", "--root", scenario.root]).status == 0)
    }

    /// wallabag (Symfony 3 layout): uploads follow the `web/` root and logs go to `var/logs`;
    /// no `public/` folder appears in the release.
    @Test func aSymfonyAppServedFromWebGetsNoStrayPublicFolder() throws {
        let scenario = try DeployScenario("symfony-web")
        try scenario.write("composer.json", #"{"require": {"symfony/framework-bundle": "^3.4"}}"#)
        try scenario.write("bin/console", "#!/usr/bin/env php\n")
        try scenario.write("web/app.php", "<?php\n")
        try scenario.write("web/index.php", "<?php\n")
        try scenario.write("var/logs/.gitkeep", "")
        try scenario.write(".gitignore", "/var/logs/*\n/var/cache/*\n/vendor/\n")
        let deployed = scenario.deploy()
        #expect(deployed.status == 0, "\(deployed.stderr)")
        #expect((try? scenario.fileSystem.type(at: scenario.root + "/current/public")) == nil)
        #expect((try? scenario.fileSystem.type(at: scenario.root + "/shared/web/uploads")) == .directory)
        #expect((try? scenario.fileSystem.type(at: scenario.root + "/shared/var/logs")) == .directory)
        #expect((try? scenario.fileSystem.type(at: scenario.root + "/shared/var/log")) == nil)
    }
}
