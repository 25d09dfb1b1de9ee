<?php
// deploy.php (Deployer 7): Deployer uploads and switches; persist-deploy decides what is
// persistent and links it. Remove from `shared_dirs`/`shared_files` every path that
// persist-deploy manages (`persist-deploy classify` lists them), or the two tools will both
// link them.

namespace Deployer;

require 'recipe/laravel.php';

set('repository', 'git@example.com:acme/app.git');
set('keep_releases', 5);

// persist-deploy links storage/, .env, public/uploads ... from {{deploy_path}}/shared.
set('shared_dirs', []);
set('shared_files', []);

host('app.example.com')
    ->set('remote_user', 'deploy')
    ->set('deploy_path', '/var/www/app');

desc('Link the persistent paths of the new release into shared/ (persist-deploy)');
task('persist:link', function () {
    // {{release_path}} is Deployer's `release` link; persist-deploy wants the real folder.
    $release = run('readlink -f {{release_path}}');
    run('persist-deploy auto --root {{deploy_path}} --release ' . escapeshellarg($release)
        . ' --no-activate --wait 300');
});

desc('Check the live layout (persist-deploy)');
task('persist:health', function () {
    run('persist-deploy health-check --root {{deploy_path}}');
});

// Link before Deployer switches `current`, check after it has.
before('deploy:symlink', 'persist:link');
after('deploy:symlink', 'persist:health');

// A failed deploy leaves `current` on the old release, which is what Deployer's own
// rollback task (dep rollback) expects too; shared/ is not touched either way.
after('deploy:failed', 'deploy:unlock');
