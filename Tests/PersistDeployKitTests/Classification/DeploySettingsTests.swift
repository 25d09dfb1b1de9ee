import PersistDeployKit
import Testing

/// `webUser`, `webGroup` and `hooks` in persist-deploy.json: read strictly, like the rest of it.
@Suite struct DeploySettingsTests {
    func parse(_ text: String) throws(ToolError) -> ProjectConfig {
        try ProjectConfig.parse(Array(text.utf8), file: "/app/persist-deploy.json")
    }

    @Test func theSettingsAreRead() throws {
        let config = try parse("""
            { "webUser": "www-data", "webGroup": "web",
              "hooks": { "beforeSwitch": "php artisan migrate --force", "afterSwitch": "php artisan queue:restart\\n", "timeout": 900 } }
            """)
        #expect(config.deploy.webUser == "www-data")
        #expect(config.deploy.webGroup == "web")
        #expect(config.deploy.beforeSwitch == "php artisan migrate --force")
        #expect(config.deploy.afterSwitch == "php artisan queue:restart")
        #expect(config.deploy.hookTimeout == 900)
    }

    @Test(arguments: [
        (#"{"webUser": 33}"#, "key 'webUser' (line 1): expected a name such as \"www-data\", got a number."),
        (#"{"webGroup": "$(id)"}"#, "key 'webGroup' (line 1): '$(id)' is not a user or group name; expected a name such as \"www-data\"."),
        (#"{"webUser": "-rf"}"#, "key 'webUser' (line 1): '-rf' is not a user or group name; expected a name such as \"www-data\"."),
        (#"{"hooks": "php artisan migrate"}"#, "key 'hooks' (line 1): expected an object such as {\"beforeSwitch\": \"php artisan migrate --force\"}, got a string."),
        (#"{"hooks": {"afterSwitch": ["a"]}}"#, "key hooks.afterSwitch (line 1): expected a shell command as a string, got a list."),
        (#"{"hooks": {"timeout": 1.5}}"#, "key hooks.timeout (line 1): expected a whole number of seconds from 1 to 86400, got 1.5."),
        (#"{"hooks": {"timeout": 0}}"#, "key hooks.timeout (line 1): expected a whole number of seconds from 1 to 86400, got 0."),
        (#"{"hooks": {"timeout": "60"}}"#, "key hooks.timeout (line 1): expected a whole number of seconds from 1 to 86400, got a string."),
        ("{\"hooks\": {\n\"after_switch\": \"x\"}}", "unknown key hooks.after_switch (line 2); expected beforeSwitch, afterSwitch or timeout. Did you mean 'afterSwitch'?"),
        (#"{"webuser": "www-data"}"#, "unknown key 'webuser' (line 1); expected webRoot, classify, remove, webUser, webGroup or hooks. Did you mean 'webUser'?"),
    ])
    func aBadSettingNamesTheFileTheKeyAndWhatWasExpected(_ text: String, _ message: String) {
        let error = #expect(throws: ToolError.self) { try parse(text) }
        #expect(error?.message == "/app/persist-deploy.json: \(message)")
    }
}
