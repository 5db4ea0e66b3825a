#!/usr/bin/env bash
# Restarts Launchline's instances one at a time, each only after the one before is ready again and
# back in the load balancer, so that signups never find every instance down.
#
#   rolling-restart.sh INSTANCE...        e.g. rolling-restart.sh 1 2
#
# For each instance: RESTART_COMMAND (SIGTERM: the instance fails /readyz, serves on for
# SHUTDOWN_DRAIN_SECONDS while the balancer takes it out, finishes what is in flight and stops;
# then it starts again), then waits until its /readyz answers 200 and, with HAPROXY_SOCKET, until
# HAProxy reports it UP. Stops at the first instance that does not come back: the others keep
# running what they ran. Exit 0 when all are back, 1 otherwise, 64 on a usage error.
#
# Environment ({instance} is replaced by each argument):
#   RESTART_COMMAND        default: systemctl restart launchline@{instance}
#   INSTANCE_URL           default: http://127.0.0.1:808{instance}   (deploy/systemd/launchline@.service)
#   HAPROXY_SOCKET         HAProxy's admin socket (deploy/haproxy/haproxy.cfg); unset: wait LB_SETTLE_SECONDS
#   HAPROXY_SERVER         default: launchline/app{instance}          (backend/server in haproxy.cfg)
#   READY_TIMEOUT_SECONDS  default: 120
#   LB_SETTLE_SECONDS      default: 5 (without HAPROXY_SOCKET: the balancer's rise x inter, and a margin)
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: rolling-restart.sh INSTANCE... (see the comment at the top)" >&2
  exit 64
fi
restart_command=${RESTART_COMMAND:-"systemctl restart launchline@{instance}"}
instance_url=${INSTANCE_URL:-"http://127.0.0.1:808{instance}"}
haproxy_server=${HAPROXY_SERVER:-"launchline/app{instance}"}
ready_timeout=${READY_TIMEOUT_SECONDS:-120}
settle=${LB_SETTLE_SECONDS:-5}

# HAProxy's status of one server (UP, DOWN, MAINT, "UP 1/2" while rising ...), from "show stat"
balancer_status() {
  local backend=${1%%/*} server=${1#*/}
  echo "show stat" | socat -t 2 stdio "unix-connect:$HAPROXY_SOCKET" \
    | awk -F, -v b="$backend" -v s="$server" '$1 == b && $2 == s { print $18 }'
}

say() { echo "$(date +%T) rolling-restart: $*"; }

for instance in "$@"; do
  url=${instance_url//\{instance\}/$instance}
  say "restarting instance $instance"
  bash -c "${restart_command//\{instance\}/$instance}"
  deadline=$((SECONDS + ready_timeout))
  until curl -fsS -o /dev/null --max-time 2 "$url/readyz" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say >&2 "instance $instance not ready after ${ready_timeout} s ($url/readyz); stopped here, the instances after it were not touched"
      exit 1
    fi
    sleep 0.5
  done
  say "instance $instance ready: $(curl -fsS --max-time 2 "$url/version")"
  if [ -n "${HAPROXY_SOCKET:-}" ]; then
    server=${haproxy_server//\{instance\}/$instance}
    until [ "$(balancer_status "$server")" = "UP" ]; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        say >&2 "HAProxy does not report $server UP after ${ready_timeout} s (it says: $(balancer_status "$server"))"
        exit 1
      fi
      sleep 0.5
    done
    say "HAProxy reports $server UP"
  else
    sleep "$settle"
  fi
done
say "$# instance(s) restarted"
