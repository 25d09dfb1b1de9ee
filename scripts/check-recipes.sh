#!/usr/bin/env bash
# Syntax-checks the CI and deploy-tool recipes in docs/recipes with whichever checkers this
# machine has, and says which it skipped. Exit 1 when a check fails; skips do not fail.
#   YAML: python3 + PyYAML (pip install pyyaml)      Ansible: ansible-playbook (pip install ansible-core)
#   PHP: php -l (apt-get install php-cli)            Ruby: ruby -c (apt-get install ruby)
#   shell: shellcheck on scripts/*.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
recipes=docs/recipes
failed=0
checked=0
skipped=()

pass() { printf 'ok    %s\n' "$1"; checked=$((checked + 1)); }
fail() { printf 'FAIL  %s\n%s\n' "$1" "$2" >&2; failed=1; }
check() {
  local label=$1 output
  shift
  if output=$("$@" 2>&1); then pass "$label"; else fail "$label" "$output"; fi
}

mapfile -t yaml_files < <(find "$recipes" -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
  for file in "${yaml_files[@]}"; do
    check "yaml $file" python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$file"
  done
else
  skipped+=("YAML (${#yaml_files[@]} files): python3 with PyYAML is missing; pip install pyyaml")
fi

# On PATH, or where .ci/run installs it (PERSIST_DEPLOY_ANSIBLE_PLAYBOOK, else its venv).
ansible_playbook=${PERSIST_DEPLOY_ANSIBLE_PLAYBOOK:-}
[ -n "$ansible_playbook" ] || ansible_playbook=$(command -v ansible-playbook 2>/dev/null) \
  || ansible_playbook="$HOME/.cache/persist-deploy-ci/ansible/bin/ansible-playbook"
if [ -x "$ansible_playbook" ]; then
  for file in "$recipes"/ansible/*.yml; do
    check "ansible-playbook --syntax-check $file" \
      "$ansible_playbook" -i "$recipes/ansible/inventory.ini" --syntax-check "$file"
  done
else
  skipped+=("Ansible: ansible-playbook is missing; pip install ansible-core (or run .ci/run)")
fi

if command -v php >/dev/null 2>&1; then
  while IFS= read -r file; do check "php -l $file" php -l "$file"; done < <(find "$recipes" -name '*.php' | sort)
else
  skipped+=("PHP: php is missing; apt-get install php-cli")
fi

if command -v ruby >/dev/null 2>&1; then
  while IFS= read -r file; do check "ruby -c $file" ruby -c "$file"; done < <(find "$recipes" \( -name '*.rb' -o -name '*.rake' \) | sort)
else
  skipped+=("Ruby: ruby is missing; apt-get install ruby")
fi

if command -v shellcheck >/dev/null 2>&1; then
  for file in scripts/*.sh docs/*.sh; do check "shellcheck $file" shellcheck "$file"; done
else
  skipped+=("shell: shellcheck is missing; apt-get install shellcheck")
fi

printf '%d checks passed' "$checked"
[ "$failed" = 0 ] || printf ', some FAILED'
printf '; %d skipped\n' "${#skipped[@]}"
for reason in "${skipped[@]}"; do printf 'skip  %s\n' "$reason"; done
exit "$failed"
