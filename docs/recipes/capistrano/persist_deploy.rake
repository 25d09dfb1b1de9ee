# lib/capistrano/tasks/persist_deploy.rake (Capistrano 3): Capistrano uploads and switches;
# persist-deploy decides what is persistent and links it. Remove from `linked_dirs` /
# `linked_files` in config/deploy.rb every path persist-deploy manages
# (`persist-deploy classify` lists them), or the two tools will both link them:
#
#   set :linked_dirs, []
#   set :linked_files, []

namespace :persist_deploy do
  desc "Link the persistent paths of the new release into shared/ (persist-deploy)"
  task :link do
    on roles(:app), in: :sequence do
      execute :'persist-deploy', "auto", "--root", deploy_to, "--release", release_path,
              "--no-activate", "--wait", "300"
    end
  end

  desc "Check the live layout (persist-deploy)"
  task :health_check do
    on roles(:app) do
      execute :'persist-deploy', "health-check", "--root", deploy_to
    end
  end

  desc "Point current back at the previous release (persist-deploy)"
  task :rollback do
    on roles(:app), in: :sequence do
      execute :'persist-deploy', "rollback", "--root", deploy_to, "--wait", "300"
    end
  end
end

# Link after the code is in place and before Capistrano switches `current`; check after.
after "deploy:updated", "persist_deploy:link"
after "deploy:published", "persist_deploy:health_check"
