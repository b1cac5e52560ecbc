#!/usr/bin/env bash
# Runs the real-client tests against `quarry serve`:
#   1. sdk_client.test.mjs - the official TypeScript SDK client over stdio (node --test);
#   2. conformance.sh      - the official MCP conformance suite through supergateway.
#
#   QUARRY_BINARY=<build>/host/quarry QUARRY_FIXTURE_DIR=<build>/test-plugins/fixtures ./run.sh
#
# Installs the pinned npm packages first (`npm ci`, from the committed package-lock.json)
# when node_modules is missing or older than the lockfile. Node 22 itself comes from npm
# (the `node` package), because the conformance CLI needs Node >= 22 and Debian 12 has 18.
# Exit status non-zero when anything failed. ctest runs this as `mcp_clients`.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here" || exit 1

# Setup failures still end with the closing count line.
setup_failed() {
  echo "run.sh: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

if [ -z "${QUARRY_BINARY:-}" ] || [ -z "${QUARRY_FIXTURE_DIR:-}" ]; then
  setup_failed "set QUARRY_BINARY (the quarry executable) and QUARRY_FIXTURE_DIR" \
    "(<build>/test-plugins/fixtures)"
fi
export QUARRY_BINARY QUARRY_FIXTURE_DIR

# ---- dependencies -------------------------------------------------------------------
stamp="node_modules/.quarry-lock.sha256"
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"

install_deps() {
  command -v npm >/dev/null || { echo "run.sh: npm not found" >&2; return 1; }
  echo "run.sh: npm ci (node_modules missing or out of date)"
  npm ci --no-audit --no-fund --loglevel=error || return 1
  echo "$want" >"$stamp"
}

needs_install() {
  [ -x node_modules/.bin/node ] || return 0
  [ -f "$stamp" ] || return 0
  [ "$(cat "$stamp")" != "$want" ]
}

if needs_install; then
  # Serialise concurrent runs (two build trees share this node_modules).
  lock="${TMPDIR:-/tmp}/quarry-clients-npm-$(echo "$here" | sha256sum | cut -c1-16).lock"
  if command -v flock >/dev/null; then
    exec 9>"$lock"
    flock 9
  fi
  if needs_install && ! install_deps; then
    setup_failed "installing the npm packages failed"
  fi
  if command -v flock >/dev/null; then exec 9>&-; fi
fi

node22="$here/node_modules/.bin/node"
if ! "$node22" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'; then
  setup_failed "$node22 is not Node >= 22 (the 'node' npm package's install script must" \
    "run; do not use --ignore-scripts)"
fi
echo "run.sh: node $("$node22" --version), quarry $QUARRY_BINARY"

# ---- tests --------------------------------------------------------------------------
started=$(date +%s)
logs="$(mktemp -d "${TMPDIR:-/tmp}/quarry-clients.XXXXXX")"
trap 'rm -rf "$logs"' EXIT

echo "== TypeScript SDK client (node --test sdk_client.test.mjs)"
PATH="$here/node_modules/.bin:$PATH" "$node22" --test --test-reporter=spec sdk_client.test.mjs \
  2>&1 | tee "$logs/sdk.log"
sdk_rc=${PIPESTATUS[0]}
sdk_done=$(date +%s)

echo "== MCP conformance suite (conformance.sh)"
bash "$here/conformance.sh" 2>&1 | tee "$logs/conformance.log"
conf_rc=${PIPESTATUS[0]}

# One closing count over both parts: node's "ℹ pass N" / "ℹ fail N" plus conformance.sh's
# "N passed, M failed". A part that failed without counting a failure (it died, or its
# summary is missing) counts as one failed test.
sdk_pass="$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$logs/sdk.log" | tail -n 1)"
sdk_fail="$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$logs/sdk.log" | tail -n 1)"
conf_line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$logs/conformance.log" | tail -n 1)"
conf_pass="$(echo "$conf_line" | sed -nE 's/^([0-9]+) passed.*/\1/p')"
conf_fail="$(echo "$conf_line" | sed -nE 's/.* ([0-9]+) failed$/\1/p')"
sdk_pass=${sdk_pass:-0} sdk_fail=${sdk_fail:-1} conf_pass=${conf_pass:-0} conf_fail=${conf_fail:-1}
if [ "$sdk_rc" -ne 0 ] && [ "$sdk_fail" -eq 0 ]; then sdk_fail=1; fi
if [ "$conf_rc" -ne 0 ] && [ "$conf_fail" -eq 0 ]; then conf_fail=1; fi
passed=$((sdk_pass + conf_pass))
failed=$((sdk_fail + conf_fail))
status=0
[ "$failed" -eq 0 ] || status=1

echo "run.sh: sdk client $sdk_pass passed, $sdk_fail failed ($((sdk_done - started)) s);" \
  "conformance $conf_pass passed, $conf_fail failed ($(($(date +%s) - sdk_done)) s)"
echo "$passed passed, $failed failed"
exit "$status"
