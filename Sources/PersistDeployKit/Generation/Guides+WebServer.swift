/// The web-server section every guide carries: nginx with PHP-FPM after a switch, reloading
/// PHP-FPM without dropping requests, queue workers, and the user PHP runs as.
extension Guides {
    func webServer() -> String {
        let webRoot = PathName.join(root.current, record.webRoot)
        let rootFlag = "--root \(Shell.quote(root.path))"
        var text = """
            **nginx with PHP-FPM.** Give PHP the resolved path, so every request runs the release
            `current` points at now:

            ```nginx
            root \(Self.configQuote(webRoot));
            location ~ \\.php$ {
                include fastcgi_params;
                fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;
                fastcgi_param DOCUMENT_ROOT $realpath_root;
                fastcgi_pass unix:/run/php/php8.2-fpm.sock;
            }
            ```

            With `$document_root` instead (the default in many snippets), PHP-FPM resolves
            `current` itself and keeps the answer in its realpath cache (`realpath_cache_ttl`, 120 s
            by default, per worker): it goes on running the previous release after a switch, and
            once cleanup has removed that release it answers 404 "File not found." persist-deploy's
            own test (nginx and PHP-FPM under a steady load across a series of deploys) sees no failed
            request with the lines above.

            **Reloading PHP-FPM** (to clear opcache, or where the unresolved path cannot be avoided)
            after each switch:

            ```sh
            persist-deploy auto \(rootFlag) --from release.tar.gz --after-switch 'sudo systemctl reload php8.2-fpm'
            ```

            A reload drops the requests in flight unless PHP-FPM lets its workers finish them: set
            `process_control_timeout = 10s` in the `[global]` section of `php-fpm.conf` (the default, 0,
            cuts them off with a 502).

            **Queue workers and other long-running processes** keep running the code they started
            with, and keep their release in use. Restart them after each switch, e.g.
            `--after-switch 'php artisan queue:restart'` (each worker exits after its job and the
            process manager, Supervisor or systemd, starts it again from `current`). Cleanup never
            deletes a release a running process still uses: it keeps it and warns with the pid.

            **Commands before the switch** (migrations, caches) run in the new release with its links
            in place; if one fails, nothing goes live:
            `--before-switch 'php artisan migrate --force && php artisan config:cache'`.

            **The user PHP runs as.**
            """
        if let user = record.webUser ?? record.webGroup {
            let subject = record.webUser ?? "group \(user)"
            text += """
                 Deploys of this root open `shared/` to \(Markdown.code(subject)) (group
                \(Markdown.code(record.webGroup ?? user))): persistent folders are group-writable with the setgid
                bit (and ACLs where `setfacl` works), config files `0640` with that group, and the health
                check checks access for that user, not for whoever runs it.
                """
        } else {
            text += """
                 When PHP-FPM runs as another user than the one deploying (`www-data`, the pool's
                `user =` line), tell the deploy, once; it is remembered:

                ```sh
                persist-deploy auto \(rootFlag) --from release.tar.gz --web-user www-data
                ```

                Persistent folders then become writable for that user's group (setgid folders, ACLs
                where `setfacl` works), `.env` and other config files `0640` with that group, and the
                health check checks access for that user.
                """
        }
        return text
    }
}
