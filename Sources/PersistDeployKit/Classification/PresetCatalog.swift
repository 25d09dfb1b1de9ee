/// The apps and frameworks the tool knows by name, with where each writes at run time. Every
/// entry cites the app's own documentation or the file it ships that says so (README: "Presets").
enum PresetCatalog {
    static let all: [Preset] = [
        laravel, wordPress, drupal, backdrop, joomla, prestaShop, flarum, statamic, octoberCMS, symfony, codeIgniter4, phpBB,
        grav, kanboard, dokuWiki, matomo, nextJS, nuxt,
    ]

    static let laravel = Preset(
        name: "Laravel",
        matches: { probe throws(ToolError) in probe.base == "." && probe.facts.detection.framework == .laravel },
        entries: [
            PresetEntry(
                "bootstrap/cache", .dir, .disposable,
                "what php artisan optimize and config:cache write for this release's code",
                source: "https://laravel.com/docs/deployment#optimization", onlyIfPresent: true),
        ])

    static let wordPress = Preset(
        name: "WordPress",
        matches: { probe throws(ToolError) in
            guard probe.facts.isWordPress else { return false }
            return try probe.isDirectory("wp-content")
        },
        entries: [
            PresetEntry(
                "wp-content/uploads", .dir, .user, "WordPress's media library: files users upload",
                source: "https://developer.wordpress.org/advanced-administration/server/file-permissions/"),
            PresetEntry(
                "wp-config.php", .file, .config, "WordPress's per-server settings (database password, keys)",
                source: "https://developer.wordpress.org/advanced-administration/wordpress/wp-config/", writtenByApp: true),
            PresetEntry(
                "wp-content/cache", .dir, .disposable, "a page cache plugin's copies of pages, rebuilt on demand",
                source: "https://developer.wordpress.org/advanced-administration/performance/cache/"),
            // Each update from the admin unpacks into upgrade/ and leaves it behind, empty; since
            // 6.3 the version it replaces waits in upgrade-temp-backup/ until the update is done.
            PresetEntry(
                "wp-content/upgrade", .dir, .disposable, "where WordPress unpacks an update before installing it",
                source: "https://developer.wordpress.org/advanced-administration/upgrade/upgrading/"),
            PresetEntry(
                "wp-content/upgrade-temp-backup", .dir, .disposable, "the copy WordPress keeps of a plugin or theme while it updates it",
                source: "https://make.wordpress.org/core/2023/07/11/new-in-6-3-rollback-for-failed-manual-plugin-and-theme-updates/"),
        ])

    static let drupal = Preset(
        name: "Drupal",
        matches: { probe throws(ToolError) in try probe.has("core/lib/Drupal.php", "sites") },
        entries: [
            PresetEntry(
                "sites/*/files", .dir, .user, "Drupal's public files: uploads, image styles, aggregated css/js",
                source: "https://git.drupalcode.org/project/drupal/-/blob/11.x/core/INSTALL.txt"),
            PresetEntry(
                "sites/*/settings.php", .file, .config, "the site's settings, written by Drupal's installer",
                source: "https://git.drupalcode.org/project/drupal/-/blob/11.x/core/INSTALL.txt", writtenByApp: true),
        ])

    static let backdrop = Preset(
        name: "Backdrop CMS",
        matches: { probe throws(ToolError) in try probe.has("core/includes/bootstrap.inc", "settings.php") },
        entries: [
            PresetEntry(
                "files", .dir, .user, "Backdrop's public files and its active configuration",
                source: "https://docs.backdropcms.org/documentation/installation-instructions"),
            PresetEntry(
                "settings.php", .file, .config, "the database settings Backdrop's installer writes into the shipped file",
                source: "https://docs.backdropcms.org/documentation/installation-instructions"),
        ])

    static let joomla = Preset(
        name: "Joomla",
        matches: { probe throws(ToolError) in try probe.has("administrator/index.php", "libraries", "components") },
        entries: [
            PresetEntry("images", .dir, .user, "the Media Manager's files", source: joomlaSource),
            PresetEntry("configuration.php", .file, .config, "the site's settings, written by Joomla's installer", source: joomlaSource, writtenByApp: true),
            PresetEntry("tmp", .dir, .runtime, "uploads and updates being unpacked", source: joomlaSource),
            PresetEntry("administrator/logs", .dir, .runtime, "Joomla 4's logs", source: joomlaSource, onlyIfPresent: true),
            PresetEntry("logs", .dir, .runtime, "Joomla 3's logs", source: joomlaSource, onlyIfPresent: true),
            PresetEntry("cache", .dir, .disposable, "the page and module cache", source: joomlaSource, onlyIfPresent: true),
            PresetEntry("administrator/cache", .dir, .disposable, "the administrator's cache", source: joomlaSource, onlyIfPresent: true),
        ])
    private static let joomlaSource = "https://docs.joomla.org/J4.x:Installing_Joomla"

    static let prestaShop = Preset(
        name: "PrestaShop",
        matches: { probe throws(ToolError) in try probe.has("config/config.inc.php", "classes") },
        entries: [
            PresetEntry("img", .dir, .user, "product, category and logo images", source: prestaShopSource),
            PresetEntry("upload", .dir, .user, "files customers upload with orders", source: prestaShopSource),
            PresetEntry("download", .dir, .user, "virtual products' files", source: prestaShopSource),
            PresetEntry(
                "app/config/parameters.php", .file, .config, "PrestaShop 1.7+ settings, written by its installer",
                source: prestaShopSource, writtenByApp: true),
            PresetEntry(
                "config/settings.inc.php", .file, .config, "PrestaShop 1.6 settings, written by its installer",
                source: prestaShopSource, onlyIfPresent: true),
            PresetEntry("var/logs", .dir, .runtime, "PrestaShop's logs", source: prestaShopSource, onlyIfPresent: true),
            PresetEntry("var/cache", .dir, .disposable, "the Symfony and Smarty caches, rebuilt on demand", source: prestaShopSource, onlyIfPresent: true),
        ])
    private static let prestaShopSource = "https://devdocs.prestashop-project.org/8/basics/installation/"

    static let flarum = Preset(
        name: "Flarum",
        matches: { probe throws(ToolError) in try probe.has("flarum", "site.php") },
        entries: [
            PresetEntry("public/assets", .dir, .user, "avatars and the compiled forum assets", source: flarumSource),
            PresetEntry("storage", .dir, .runtime, "logs, sessions, caches and formatter data", source: flarumSource),
            PresetEntry(
                "config.php", .file, .config, "database and URL settings, written by Flarum's installer",
                source: "https://github.com/flarum/framework/blob/1.x/framework/core/src/Install/Steps/StoreConfig.php", writtenByApp: true),
        ])
    private static let flarumSource = "https://docs.flarum.org/install#folder-ownership"

    static let statamic = Preset(
        name: "Statamic",
        matches: { probe throws(ToolError) in probe.base == "." && probe.requires("statamic/cms") },
        entries: [
            PresetEntry("content", .dir, .user, "entries, pages and globals the control panel saves", source: statamicSource),
            PresetEntry("users", .dir, .user, "the control panel's user accounts", source: statamicSource),
            PresetEntry("public/assets", .dir, .user, "the default asset container's files", source: statamicSource),
        ])
    private static let statamicSource = "https://statamic.dev/git-automation (config/statamic/git.php lists what the control panel writes)"

    /// Laravel's rules give October its storage/ and .env; its themes are content.
    static let octoberCMS = Preset(
        name: "October CMS",
        matches: { probe throws(ToolError) in probe.base == "." && probe.requires("october/rain", "october/all") },
        entries: [
            PresetEntry(
                "themes", .dir, .user,
                "pages, layouts, partials and content the backend's CMS editor saves into the theme's files, and themes installed from the backend",
                source: "https://docs.octobercms.com/3.x/cms/themes/themes.html"),
        ])

    static let symfony = Preset(
        name: "Symfony",
        matches: { probe throws(ToolError) in
            guard probe.base == ".", probe.requires("symfony/framework-bundle") else { return false }
            return try probe.isFile("bin/console")
        },
        entries: [
            PresetEntry("var/cache", .dir, .disposable, "the compiled container and caches for this release's code", source: symfonySource),
            PresetEntry("var/log", .dir, .runtime, "the app's logs", source: symfonySource, formerly: ["var/logs"]),
            PresetEntry("var/sessions", .dir, .runtime, "sessions stored as files", source: symfonySource, onlyIfPresent: true),
            PresetEntry(
                "uploads", .dir, .user, "uploaded files in the web root (the VichUploader and Symfony docs' convention)",
                source: symfonySource, inWebRoot: true),
            PresetEntry(
                ".env", .file, .asset, "the committed defaults, which ship with the code (this server's values go in .env.local)",
                source: "https://symfony.com/doc/current/configuration.html#configuring-environment-variables-in-env-files", onlyIfPresent: true),
            PresetEntry(
                ".env.local", .file, .config, "this server's overrides of .env",
                source: "https://symfony.com/doc/current/configuration.html#configuring-environment-variables-in-env-files", writtenByApp: true),
        ])
    private static let symfonySource = "https://symfony.com/doc/current/setup/file_permissions.html"

    static let codeIgniter4 = Preset(
        name: "CodeIgniter 4",
        matches: { probe throws(ToolError) in try probe.has("spark", "app/Config/App.php") },
        entries: [
            PresetEntry(
                "writable", .dir, .runtime, "cache, logs, sessions, uploads and debug bar data",
                source: "https://codeigniter4.github.io/CodeIgniter4/concepts/structure.html#writable"),
            PresetEntry(
                ".env", .file, .config, "this server's settings",
                source: "https://codeigniter4.github.io/CodeIgniter4/general/configuration.html#dotenv-file", examples: ["env"]),
        ])

    static let phpBB = Preset(
        name: "phpBB",
        matches: { probe throws(ToolError) in try probe.has("viewtopic.php", "includes") },
        entries: [
            PresetEntry("files", .dir, .user, "attachments", source: phpBBSource),
            PresetEntry("store", .dir, .runtime, "backups and the installer's and updater's state", source: phpBBSource),
            PresetEntry("images/avatars/upload", .dir, .user, "uploaded avatars", source: phpBBSource),
            PresetEntry("config.php", .file, .config, "database settings, written by phpBB's installer", source: phpBBSource, writtenByApp: true),
            PresetEntry("cache", .dir, .disposable, "compiled templates and the service container, rebuilt on demand", source: phpBBSource),
        ])
    private static let phpBBSource = "https://github.com/phpbb/phpbb/blob/master/phpBB/docs/INSTALL.html"

    static let grav = Preset(
        name: "Grav",
        matches: { probe throws(ToolError) in try probe.has("system/defines.php", "user") },
        entries: [
            PresetEntry("user", .dir, .user, "all the site's own content: pages, accounts, config, plugins, themes", source: gravSource),
            PresetEntry("backup", .dir, .user, "Grav's backups", source: gravSource, onlyIfPresent: true),
            PresetEntry("logs", .dir, .runtime, "Grav's logs", source: gravSource, onlyIfPresent: true),
            PresetEntry("cache", .dir, .disposable, "cached pages and compiled Twig templates, routinely flushed", source: gravSource, onlyIfPresent: true),
            PresetEntry("images", .dir, .disposable, "processed images, regenerated as needed", source: gravSource, onlyIfPresent: true),
            PresetEntry("assets", .dir, .disposable, "pipelined css and js, routinely flushed", source: gravSource, onlyIfPresent: true),
            PresetEntry("tmp", .dir, .disposable, "temporary files", source: gravSource, onlyIfPresent: true),
        ])
    private static let gravSource = "https://learn.getgrav.org/17/basics/folder-structure"

    static let kanboard = Preset(
        name: "Kanboard",
        matches: { probe throws(ToolError) in try probe.has("jsonrpc.php", "app/constants.php") },
        entries: [
            PresetEntry(
                "data", .dir, .runtime, "the SQLite database, uploaded files, thumbnails and the debug log",
                source: "https://docs.kanboard.org/v1/admin/installation/"),
            PresetEntry(
                "config.php", .file, .config, "this server's settings (a renamed copy of config.default.php)",
                source: "https://docs.kanboard.org/v1/admin/config/", examples: ["config.default.php"]),
            PresetEntry(
                "plugins", .dir, .user, "plugins installed from the web interface (PLUGIN_INSTALLER)",
                source: "https://docs.kanboard.org/v1/admin/config/", onlyIfPresent: true),
        ])

    static let dokuWiki = Preset(
        name: "DokuWiki",
        matches: { probe throws(ToolError) in try probe.has("doku.php", "inc") },
        entries: [
            PresetEntry("data", .dir, .user, "pages, media, revisions, the index and caches", source: dokuWikiSource),
            PresetEntry("conf/local.php", .file, .config, "settings written by install.php and the configuration manager", source: dokuWikiSource, writtenByApp: true),
            PresetEntry("conf/users.auth.php", .file, .config, "user accounts, written by install.php and the user manager", source: dokuWikiSource, writtenByApp: true),
            PresetEntry("conf/acl.auth.php", .file, .config, "access rules, written by install.php and the ACL manager", source: dokuWikiSource, writtenByApp: true),
            PresetEntry("conf/plugins.local.php", .file, .config, "plugin states, written by the extension manager", source: dokuWikiSource, writtenByApp: true),
            PresetEntry("conf/tpl", .dir, .user, "template style settings the Styling plugin saves (conf/tpl/<template>/style.ini)", source: dokuWikiCascade),
            PresetEntry(
                "conf/plugins.local.php.bak", .file, .disposable, "the extension manager's copy of the previous plugin states, replaced at each save",
                source: "https://github.com/dokuwiki/dokuwiki/blob/master/inc/Extension/PluginController.php"),
            PresetEntry(
                "conf/local.php.bak.php", .file, .disposable,
                "the configuration manager's backup: it renames conf/local.php (the link into shared/) to this name, then writes a new conf/local.php",
                source: "https://github.com/dokuwiki/dokuwiki/blob/master/lib/plugins/config/core/Writer.php"),
        ] + dokuWikiLocalFiles.map { name in
            // Read only when present, and an empty one reads as none: created empty, each is where
            // the admin's own edits go (in the live release they would stop every deploy).
            PresetEntry("conf/" + name, .file, .user, "the admin's local override of DokuWiki's shipped settings", source: dokuWikiCascade)
        })
    private static let dokuWikiSource = "https://www.dokuwiki.org/install:permissions"
    private static let dokuWikiCascade = "https://www.dokuwiki.org/config (inc/config_cascade.php lists the local files)"
    private static let dokuWikiLocalFiles = [
        "acronyms.local.conf", "entities.local.conf", "interwiki.local.conf", "mime.local.conf", "scheme.local.conf",
        "smileys.local.conf", "wordblock.local.conf", "userstyle.css", "userscript.js",
    ]

    static let nextJS = Preset(
        name: "Next.js",
        matches: { probe throws(ToolError) in probe.base == "." && probe.facts.detection.framework == .next },
        entries: [
            PresetEntry(
                ".next/cache", .dir, .disposable, "next build's and the image optimizer's cache",
                source: "https://nextjs.org/docs/messages/no-cache", onlyIfPresent: true),
            // next start writes regenerated pages over the build's own (ISR); each build brings
            // its own, and an older build's pages must never be carried into a newer one.
            PresetEntry(
                ".next/server/app", .dir, .disposable, "pages next start regenerates (incremental static regeneration)",
                source: "https://nextjs.org/docs/app/guides/incremental-static-regeneration", onlyIfPresent: true),
            PresetEntry(
                ".next/server/pages", .dir, .disposable, "pages next start regenerates (incremental static regeneration)",
                source: "https://nextjs.org/docs/pages/guides/incremental-static-regeneration", onlyIfPresent: true),
        ])

    static let nuxt = Preset(
        name: "Nuxt",
        matches: { probe throws(ToolError) in probe.base == "." && probe.facts.npmPackages.contains("nuxt") },
        entries: [
            PresetEntry(
                ".nuxt", .dir, .disposable, "files nuxt generates for the build",
                source: "https://nuxt.com/docs/guide/directory-structure/nuxt", onlyIfPresent: true),
        ])
}
