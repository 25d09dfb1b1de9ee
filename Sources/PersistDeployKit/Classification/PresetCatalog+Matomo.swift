/// Matomo (formerly Piwik): where its FAQ says the web server must be able to write.
extension PresetCatalog {
    static let matomo = Preset(
        name: "Matomo",
        matches: { probe throws(ToolError) in try probe.has("core/Piwik.php", "piwik.php") },
        entries: [
            PresetEntry(
                "config/config.ini.php", .file, .config,
                "Matomo's settings (database, salt, activated plugins), written by its installer and rewritten when settings or plugins change",
                source: matomoPermissions, writtenByApp: true),
            PresetEntry("misc/user", .dir, .user, "the custom logo and favicon uploaded in Matomo's general settings", source: matomoPermissions),
            PresetEntry("tmp", .dir, .runtime, "caches, compiled templates, merged css/js and logs", source: matomoPermissions),
        ] + ["matomo.js", "piwik.js"].map { name in
            // Rebuilt from the release's own plugins (`console custom-matomo-js:update`): an old
            // release's copy must not replace the new one, and its rewrite is no drift.
            PresetEntry(
                name, .file, .disposable,
                "the JavaScript tracker, which Matomo rebuilds on each server with its plugins' tracker code (hourly, and when a plugin is activated)",
                source: matomoTracker, onlyIfPresent: true)
        })
    private static let matomoPermissions = "https://matomo.org/faq/on-premise/resolve-web-server-permissions-for-matomo-linux-and-windows/"
    private static let matomoTracker = "https://matomo.org/faq/on-premise/how-to-activate-a-new-plugin-in-multi-servers-environment/"
}
