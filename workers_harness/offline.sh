#!/bin/sh
# Run a command with no network: a fresh network namespace (`unshare -n`, needs root or user namespaces) whose only
# interface is loopback, brought up because miniflare talks to its workerd child over 127.0.0.1. Any hidden
# download (a Pyodide package fetch, a telemetry call) then fails instead of silently succeeding.
# Where namespaces are not permitted the command still runs, after a loud warning.
# usage: offline.sh command [args...]
if unshare -n true 2>/dev/null && unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
  exec unshare -n sh -c 'ip link set lo up && exec "$@"' offline.sh "$@"
fi
cat >&2 <<'WARN'
########################################################################################################
# WARNING: cannot create a network namespace here (unshare -n needs root/user namespaces, and `ip`).    #
# Running WITH network access: a hidden download would go unnoticed. The checks themselves still run.  #
########################################################################################################
WARN
exec "$@"
