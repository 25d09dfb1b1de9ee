<?php
// deploy.php (Deployer 7): Deployer uploads, builds and switches `current`; persist-deploy
// decides what is persistent, seeds shared/ and links it into the release. Remove from
// `shared_dirs`/`shared_files` every path that persist-deploy manages (`persist-deploy
// classify` lists them), or the two tools will both link them.
//
// Checked against the real code by Tests/EndToEndTests/DeployToolRecipeTests.swift: releases
// named 1, 2, 3…, `current` switched by Deployer (relative or absolute link), old releases
// removed by Deployer's `rm -rf`.

namespace Deployer;

require 'recipe/laravel.php';

set('repository', 'git@example.com:acme/app.git');
set('keep_releases', 5);
// By path: Deployer's ssh commands run without a login shell, so ~/.local/bin (where
// scripts/install.sh puts the binary) is not on PATH. The remote shell expands the ~.
set('persist_deploy', '~/.local/bin/persist-deploy');

// persist-deploy links storage/, .env, public/uploads ... from {{deploy_path}}/shared.
set('shared_dirs', []);
set('shared_files', []);

host('app.example.com')
    ->set('remote_user', 'deploy')
    ->set('deploy_path', '/var/www/app');

desc('Link the persistent paths of the new release into shared/ (persist-deploy)');
task('persist:link', function () {
    // {{release_path}} may be reached through Deployer's `release` link; persist-deploy wants
    // the real folder under releases/.
    $release = run('readlink -f {{release_path}}');
    run('{{persist_deploy}} auto --root {{deploy_path}} --release ' . escapeshellarg($release)
        . ' --no-activate --wait 300');
});

desc('Check the live layout (persist-deploy)');
task('persist:health', function () {
    // Exit 1 is warnings only: printed, and the deploy stands. Exit 2 (a failed check) fails
    // the task; roll back with `dep rollback`.
    run('{{persist_deploy}} health-check --root {{deploy_path}}; test $? -lt 2');
});

// Link where Deployer links its own shared list: before deploy:writable, composer, the
// artisan caches and migrations, which then see shared/.env and shared/storage. Anything
// that writes into the release's public/ (an npm build) must run before this task, e.g.
// after('deploy:update_code', 'npm:build'): files added to an asset folder after the link
// look like files the app wrote, and stop the next deploy.
after('deploy:shared', 'persist:link');
// Check after Deployer has switched `current`.
after('deploy:symlink', 'persist:health');

// Deployer switches `current`, so roll back with Deployer (`dep rollback`): shared/ is not
// touched either way. `persist-deploy rollback` only knows releases it switched itself.
// A failed deploy leaves `current` on the old release.
after('deploy:failed', 'deploy:unlock');
