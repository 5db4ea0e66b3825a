#!/usr/bin/env bash
# Deploys one release to one environment, as runbooks/deploy.md says, and puts the previous release
# back (runbooks/rollback.md) when the new one does not come up or fails its smoke check. The
# steps run on the host are the runbooks' own `drill=` blocks, read from runbooks/ at run time: the
# pipeline, the operator and the drills run the same commands.
#
#   deploy/deploy.sh VERSION              e.g. deploy/deploy.sh 1.4.0
#
# Needs the release set dist/launchline-VERSION.tar.gz (deploy/build-release.sh, or the GitHub
# release's asset) and Java 21+ here (the smoke check runs from here, through the edge).
#
# Exit codes: 0 deployed and the smoke check passed; 1 the new release failed and the previous one
# is back and passes the smoke check (or nothing had changed yet); 2 the new release failed and the
# previous one could not be restored: page someone (runbooks/incident-error-spike-after-deploy.md);
# 64 usage.
#
# The contract (a GitHub Environment's variables and secrets, or your shell):
#   DEPLOY_TARGET           systemd-ssh (default): a host with deploy/systemd/launchline@.service
#                           instances behind HAProxy; fly: Fly.io (deploy/fly.toml, flyctl)
#   systemd-ssh:
#     DEPLOY_SHELL          runs its last argument, a shell command line, on the host, stdin passed
#                           through; default: ssh -o BatchMode=yes "$DEPLOY_HOST"
#     DEPLOY_HOST           user@host, reachable with the key in the ssh-agent (known_hosts pinned)
#     LAUNCHLINE_HOME       on the host, default /opt/launchline
#     LAUNCHLINE_ENV_FILE   on the host, default /etc/launchline/launchline.env
#     DEPLOY_HOST_VARIABLES names of further variables of this shell to set on the host for the
#                           steps (e.g. HAPROXY_SOCKET RESTART_COMMAND INSTANCE_URL)
#   the smoke check (runbooks/smoke-check.md), run from here:
#     API, WAITLIST, SMOKE_EMAIL_DOMAIN, and SMOKE_ADMIN_TOKEN or SMOKE_ADMIN_TOKEN_FILE
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "$(date +%T) deploy: $*"; }

version=${1:-}
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "usage: deploy/deploy.sh VERSION (e.g. 1.4.0; see the comment at the top for the environment)" >&2
  exit 64
fi
tarball=${RELEASE_TARBALL:-$repo/dist/launchline-$version.tar.gz}
if [ ! -f "$tarball" ]; then
  echo "deploy: no release set at $tarball (deploy/build-release.sh $version, or download the release's asset)" >&2
  exit 64
fi
for variable in API WAITLIST SMOKE_EMAIL_DOMAIN; do
  if [ -z "${!variable:-}" ]; then
    echo "deploy: set $variable (the smoke check's; see runbooks/smoke-check.md)" >&2
    exit 64
  fi
done

# The commands of one step: the fenced block marked `sh drill=STEP` in runbooks/RUNBOOK, unindented.
runbook_step() {
  awk -v step="$2" '
    !inside && $0 ~ ("^ *```sh drill=" step "$") { inside = 1; match($0, /^ */); indent = RLENGTH; next }
    inside && $0 ~ /^ *```$/ { exit }
    inside { print substr($0, indent + 1) }' "$repo/runbooks/$1"
}

# Here, unpacked and checked: the smoke check runs the new release's jar from current/.
here=$(mktemp -d)
trap 'rm -rf "$here"' EXIT
mkdir -p "$here/releases"
tar -xzf "$tarball" -C "$here/releases"
(cd "$here/releases/launchline-$version" && sha256sum -c --quiet SHA256SUMS)
ln -s "releases/launchline-$version" "$here/current"

# A step run here (the smoke check), with the runbook's variables.
run_here() {
  local commands
  commands=$(runbook_step "$1" "$2")
  LAUNCHLINE_HOME="$here" bash -c "set -euo pipefail
$commands"
}

deploy_systemd() {
  local home=${LAUNCHLINE_HOME:-/opt/launchline}
  local shell_command=${DEPLOY_SHELL:-"ssh -o BatchMode=yes ${DEPLOY_HOST:?set DEPLOY_HOST or DEPLOY_SHELL}"}
  local -a host_shell
  read -r -a host_shell <<< "$shell_command"

  # A step run on the host, with the variables the runbooks tell the operator to export.
  on_host() {
    local variables="" name
    for name in ${DEPLOY_HOST_VARIABLES:-}; do
      variables+="export $name=$(printf %q "${!name:-}")"$'\n'
    done
    "${host_shell[@]}" "bash -s" <<EOF
set -euo pipefail
$variables
export RELEASE=$(printf %q "$version") PREVIOUS=$(printf %q "${previous:-}")
export LAUNCHLINE_HOME=$(printf %q "$home") LAUNCHLINE_ENV_FILE=$(printf %q "${LAUNCHLINE_ENV_FILE:-/etc/launchline/launchline.env}")
mkdir -p "\$LAUNCHLINE_HOME/incoming" "\$LAUNCHLINE_HOME/releases" && cd "\$LAUNCHLINE_HOME/incoming"
$(runbook_step "$1" "$2")
EOF
  }

  local link
  link=$("${host_shell[@]}" "readlink '$home/current' || true")
  previous=${link#releases/launchline-}
  say "deploying $version to ${DEPLOY_HOST:-the host} (running now: ${previous:-nothing})"
  "${host_shell[@]}" "mkdir -p '$home/incoming' && cat > '$home/incoming/launchline-$version.tar.gz'" < "$tarball"

  # Until the switch nothing customers use has changed (migrations only expand).
  on_host deploy.md install
  on_host deploy.md check-config
  on_host deploy.md migrate
  on_host deploy.md switch
  if on_host deploy.md rolling-restart && run_here deploy.md smoke; then
    say "$version is live and passed the smoke check"
    return 0
  fi
  if [ -z "$previous" ] || [ "$previous" = "$version" ]; then
    say "$version failed and there is no previous release on the host to go back to"
    exit 2
  fi
  say "$version failed: rolling back to $previous (runbooks/rollback.md)"
  if on_host rollback.md check-config && on_host rollback.md switch-back && run_here rollback.md smoke; then
    say "rolled back: $previous is live again and passed the smoke check; $version stays unpacked on the host"
    exit 1
  fi
  say "the rollback to $previous failed too: follow runbooks/incident-error-spike-after-deploy.md"
  exit 2
}

# Fly.io: the image from deploy/Dockerfile; migrations as fly.toml's release_command (it runs
# before the new machines start, and a failed one stops the deploy); a failed smoke check
# redeploys the image of the release before.
deploy_fly() {
  local app=${FLY_APP:?set FLY_APP}
  local previous_image
  # the image running now (flyctl's JSON field names are not checked by any test here: verify once)
  previous_image=$(flyctl releases --app "$app" --image --json | jq -r '.[0].ImageRef // empty' || true)
  say "deploying $version to Fly.io app $app (running now: ${previous_image:-nothing})"
  flyctl deploy --app "$app" --config "$repo/deploy/fly.toml" --dockerfile "$repo/deploy/Dockerfile" \
    --build-arg VERSION="$version" --build-arg COMMIT="${GITHUB_SHA:-unknown}" --strategy rolling --wait-timeout 300
  if run_here deploy.md smoke; then
    say "$version is live and passed the smoke check"
    return 0
  fi
  if [ -z "$previous_image" ]; then
    say "$version failed and there is no previous image to go back to"
    exit 2
  fi
  say "$version failed: redeploying $previous_image"
  if flyctl deploy --app "$app" --config "$repo/deploy/fly.toml" --image "$previous_image" --strategy rolling \
     && run_here rollback.md smoke; then
    say "rolled back to $previous_image"
    exit 1
  fi
  exit 2
}

previous=""
case "${DEPLOY_TARGET:-systemd-ssh}" in
  systemd-ssh) deploy_systemd ;;
  fly) deploy_fly ;;
  *) echo "deploy: DEPLOY_TARGET is systemd-ssh or fly" >&2; exit 64 ;;
esac
