#!/usr/bin/env bash
# Installs the system programs `make test` (and `make stack`) need when they are missing:
# with apt as root; otherwise stops at once with the one command to run.
#   scripts/ensure_system_packages.sh [extra Debian packages...]
set -euo pipefail

need=()
command -v chromium >/dev/null || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v msgfmt >/dev/null || need+=(gettext)
command -v redis-server >/dev/null || need+=(redis-server)
# The request lock's test through a pooler in transaction mode.
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null || need+=(pgbouncer)
for pkg in "$@"; do
  case "$pkg" in
    nginx-light) command -v nginx >/dev/null || need+=(nginx-light) ;;
    *) dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg") ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${need[*]}. Install them, then run make again:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
# Packages such as nginx and postgresql start a system service on install; the tests and
# `make stack` start their own servers on loopback, so keep apt from starting any.
guard=/usr/sbin/policy-rc.d
own_guard=0
if [ ! -e "$guard" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$guard" && chmod +x "$guard" && own_guard=1
fi
trap '[ "$own_guard" = 1 ] && rm -f "$guard"' EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
