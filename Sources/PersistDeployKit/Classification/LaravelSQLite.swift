/// The SQLite databases a Laravel app keeps inside its own tree: the file of each connection of
/// `config/database.php` with the sqlite driver (Laravel's `sqlite`:
/// `database_path('database.sqlite')`, Koel's `sqlite-persistent`:
/// `__DIR__ . '/../database/koel.sqlite'`). The release lacks them (git ignores `*.sqlite` in
/// `database/`), and the app creates one when DB_CONNECTION names its connection: left in the
/// release, it would go with the next deploy.
enum LaravelSQLite {
    struct Database: Equatable {
        /// Relative to the app root.
        var path: String
        var connection: String
        /// The config's own words for the file, for the reason.
        var written: String
    }

    /// Laravel's own default, used by an app whose `.env.example` picks sqlite and that ships no
    /// `config/database.php` (https://laravel.com/docs/database#sqlite-configuration).
    static let frameworkDefault = Database(path: "database/database.sqlite", connection: "sqlite", written: "database_path('database.sqlite')")

    /// The sqlite connections of a `config/database.php`, read line by line as Laravel's own
    /// file and its copies are laid out (`'name' => [`, then `'driver' => 'sqlite'` and
    /// `'database' => …`). Connections for tests (`testing`, `sqlite-e2e`) are not the app's data.
    static func databases(inConfig text: String) -> [Database] {
        var result: [Database] = []
        var connection: String?
        var isSQLite = false
        var file: (path: String, written: String)?
        func close() {
            guard isSQLite, let connection, let file, !isForTests(connection), !result.contains(where: { $0.path == file.path }) else { return }
            result.append(Database(path: file.path, connection: connection, written: file.written))
        }
        for rawLine in Text.lines(text) {
            let line = Text.trimmed(rawLine)
            guard let key = firstLiteral(line), line.hasPrefix("'") || line.hasPrefix("\"") else { continue }
            let value = valueText(line)
            if value == "[" || value == "array(" {
                close()
                (connection, isSQLite, file) = (key, false, nil)
            } else if key == "driver" {
                isSQLite = firstLiteral(value) == "sqlite"
            } else if key == "database" {
                file = path(of: value).map { ($0, value) }
            }
        }
        close()
        return result
    }

    /// True when `.env.example` (or a shipped `.env`) picks the sqlite connection.
    static func envPicksSQLite(_ text: String) -> Bool {
        Text.lines(text).contains { line in
            let line = Text.trimmed(line)
            guard line.hasPrefix("DB_CONNECTION=") else { return false }
            let value = line.dropFirst("DB_CONNECTION=".count).filter { $0 != "\"" && $0 != "'" }
            return value == "sqlite"
        }
    }

    private static func isForTests(_ connection: String) -> Bool {
        let name = connection.lowercased()
        return name.contains("test") || name.contains("e2e")
    }

    /// What follows `=>`, without a trailing comma.
    private static func valueText(_ line: String) -> String {
        guard let arrow = line.firstRange(of: "=>") else { return "" }
        var value = Text.trimmed(String(line[arrow.upperBound...]))
        if value.hasSuffix(",") { value.removeLast() }
        return Text.trimmed(value)
    }

    /// The app-relative file a `'database' =>` value names: `database_path('x.sqlite')`,
    /// `base_path('x.sqlite')`, or `__DIR__ . '/../database/x.sqlite'` (relative to `config/`);
    /// nil for anything else (an absolute path, `storage_path`, a name read from the env only).
    private static func path(of value: String) -> String? {
        var path: String?
        for (call, folder) in [("database_path(", "database"), ("base_path(", ".")] {
            if let start = value.firstRange(of: call), let name = firstLiteral(String(value[start.upperBound...])) {
                path = PathName.join(folder, name)
                break
            }
        }
        if path == nil, let start = value.firstRange(of: "__DIR__"), let name = firstLiteral(String(value[start.upperBound...])) {
            path = PathName.join("config", name)
        }
        guard let found = path.map(PathName.normalize), found != ".", !found.hasPrefix("../"), found != "..",
              NameRules.isDatabaseFile(found)
        else { return nil }
        return found
    }

    /// The text of the first quoted literal in `text`.
    private static func firstLiteral(_ text: String) -> String? {
        guard let open = text.firstIndex(where: { $0 == "'" || $0 == "\"" }) else { return nil }
        let rest = text[text.index(after: open)...]
        guard let close = rest.firstIndex(of: text[open]) else { return nil }
        return String(rest[..<close])
    }
}
