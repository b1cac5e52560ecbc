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

if [ -z "${QUARRY_BINARY:-}" ] || [ -z "${QUARRY_FIXTURE_DIR:-}" ]; then
  echo "run.sh: set QUARRY_BINARY (the quarry executable) and QUARRY_FIXTURE_DIR" \
    "(<build>/test-plugins/fixtures)" >&2
  exit 2
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
    echo "run.sh: installing the npm packages failed" >&2
    exit 1
  fi
  if command -v flock >/dev/null; then exec 9>&-; fi
fi

node22="$here/node_modules/.bin/node"
if ! "$node22" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'; then
  echo "run.sh: $node22 is not Node >= 22 (the 'node' npm package's install script must run;" \
    "do not use --ignore-scripts)" >&2
  exit 1
fi
echo "run.sh: node $("$node22" --version), quarry $QUARRY_BINARY"

# ---- tests --------------------------------------------------------------------------
status=0
started=$(date +%s)

echo "== TypeScript SDK client (node --test sdk_client.test.mjs)"
PATH="$here/node_modules/.bin:$PATH" "$node22" --test --test-reporter=spec sdk_client.test.mjs ||
  status=1
sdk_done=$(date +%s)

echo "== MCP conformance suite (conformance.sh)"
bash "$here/conformance.sh" || status=1

echo "run.sh: sdk client $((sdk_done - started)) s, conformance $(($(date +%s) - sdk_done)) s," \
  "total $(($(date +%s) - started)) s: $([ "$status" -eq 0 ] && echo OK || echo FAILED)"
exit "$status"
