# lib/capistrano/tasks/persist_deploy.rake (Capistrano 3): Capistrano uploads, builds and
# switches `current`; persist-deploy decides what is persistent, seeds shared/ and links it
# into the release. Remove from `linked_dirs` / `linked_files` in config/deploy.rb every path
# persist-deploy manages (`persist-deploy classify` lists them), or the two tools will both
# link them:
#
#   set :linked_dirs, []
#   set :linked_files, []
#
# Checked against the real code by Tests/EndToEndTests/DeployToolRecipeTests.swift: releases
# named YYYYMMDDHHMMSS, an absolute `current` link switched by Capistrano, old releases removed
# by Capistrano's `rm -rf`.

require "shellwords"

# By path: Capistrano's ssh commands run without a login shell, so ~/.local/bin (where
# scripts/install.sh puts the binary) is not on PATH. The remote shell expands the ~.
set :persist_deploy, "~/.local/bin/persist-deploy"

namespace :persist_deploy do
  desc "Link the persistent paths of the new release into shared/ (persist-deploy)"
  task :link do
    on roles(:app), in: :sequence do
      execute fetch(:persist_deploy), "auto", "--root", deploy_to, "--release", release_path,
              "--no-activate", "--wait", "300"
    end
  end

  desc "Check the live layout (persist-deploy)"
  task :health_check do
    on roles(:app) do
      # Exit 1 is warnings only: printed, and the deploy stands. Exit 2 (a failed check) fails
      # the task; roll back with `cap production deploy:rollback`.
      execute "#{fetch(:persist_deploy)} health-check --root #{Shellwords.escape(deploy_to)}; test $? -lt 2"
    end
  end
end

# Link where Capistrano links `linked_dirs`, so composer, migrations and caches that run
# later see shared/.env and shared/storage. Anything that writes into the release's public/
# (an asset build) must run before this task, e.g. before "persist_deploy:link", "npm:build":
# files added to an asset folder after the link look like files the app wrote, and stop the
# next deploy.
after "deploy:symlink:shared", "persist_deploy:link"
# Check after Capistrano has switched `current`.
after "deploy:published", "persist_deploy:health_check"

# Capistrano switches `current`, so roll back with Capistrano (cap production deploy:rollback):
# shared/ is not touched either way. `persist-deploy rollback` only knows releases it switched
# itself.
