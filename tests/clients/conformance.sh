#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
# package.json) against `quarry serve` with the test fixture plugin. The suite speaks
# Streamable HTTP, so supergateway (also pinned) bridges it to quarry's stdio, stateless:
# one quarry process per HTTP POST.
#
#   QUARRY_BINARY=.../quarry QUARRY_FIXTURE_DIR=.../test-plugins/fixtures ./conformance.sh [SCENARIO...]
#
# Needs `npm ci` first (run.sh does it). Prints one PASS/FAIL line per scenario and, last,
# "N passed, M failed". Exit status 0 only when every scenario passed.
#
# Scenarios a tools-only server cannot pass (prompts, resources, completion, sampling,
# elicitation, dns-rebinding through the gateway) are not run; README.md says why.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node22="$here/node_modules/.bin/node"
gateway_js="$here/node_modules/supergateway/dist/index.js"
conformance_js="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"

default_scenarios=(
  server-initialize logging-set-level ping tools-list
  tools-call-simple-text tools-call-image tools-call-audio tools-call-embedded-resource
  tools-call-mixed-content tools-call-with-logging tools-call-error tools-call-with-progress
  json-schema-2020-12
)
if [ "$#" -gt 0 ]; then
  scenarios=("$@")
else
  scenarios=("${default_scenarios[@]}")
fi

die() {
  echo "conformance.sh: $*" >&2
  echo "0 passed, ${#scenarios[@]} failed"
  exit 1
}

[ -n "${QUARRY_BINARY:-}" ] || die "set QUARRY_BINARY to the quarry executable"
[ -n "${QUARRY_FIXTURE_DIR:-}" ] || die "set QUARRY_FIXTURE_DIR to the fixture plugin directory"
[ -x "$QUARRY_BINARY" ] || die "QUARRY_BINARY=$QUARRY_BINARY is not an executable file"
[ -d "$QUARRY_FIXTURE_DIR" ] || die "QUARRY_FIXTURE_DIR=$QUARRY_FIXTURE_DIR is not a directory"
if [ ! -x "$node22" ] || [ ! -f "$gateway_js" ] || [ ! -f "$conformance_js" ]; then
  die "node_modules is missing or incomplete in $here; run 'npm ci' there (or run.sh)"
fi
node_major="$("$node22" -p 'process.versions.node.split(".")[0]' 2>/dev/null)"
[ "${node_major:-0}" -ge 22 ] 2>/dev/null ||
  die "the conformance CLI needs Node >= 22; $node22 is '${node_major:-unrunnable}'"

work="$(mktemp -d "${TMPDIR:-/tmp}/quarry-conformance.XXXXXX")"
results="$work/results"
gateway_log="$work/gateway.log"
mkdir -p "$results"
gateway_pid=""

# Every process below the gateway, children first then grandchildren (quarry children run
# in their own process groups, so the gateway's group does not cover them).
descendants() {
  local pid child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

stop_gateway() {
  [ -n "$gateway_pid" ] || return 0
  local pids pid _
  pids="$(descendants "$gateway_pid")"
  if kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null
    # It stops its children itself (SIGTERM, then SIGKILL after 5 s).
    for _ in $(seq 1 70); do
      kill -0 "$gateway_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$gateway_pid" 2>/dev/null
  fi
  wait "$gateway_pid" 2>/dev/null
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
  gateway_pid=""
}

cleanup() {
  stop_gateway
  if [ -n "${QUARRY_CONFORMANCE_KEEP:-}" ]; then
    echo "conformance.sh: logs and results kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  "$node22" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Polls GET /healthz until it answers 200, the gateway dies, or 30 s pass.
wait_healthy() {
  "$node22" - "$1" "$2" <<'EOF'
const [url, pid] = process.argv.slice(2);
const deadline = Date.now() + 30_000;
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
(async () => {
  while (Date.now() < deadline && alive()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) process.exit(0);
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.exit(1);
})();
EOF
}

# quarry settings for every process the gateway starts: only the fixture directory is
# searched (not the installed plugin directories), and one registry cache in $work is
# shared by them (so only the first one probes the fixture). Values set by the caller win.
export QUARRY_PLUGINS_DIRS="${QUARRY_PLUGINS_DIRS:-[]}"
export QUARRY_PLUGINS_CACHE_DIR="${QUARRY_PLUGINS_CACHE_DIR:-$work/cache}"

# The command supergateway runs (through /bin/sh) for every POST. It runs in $work so a
# stray ./quarry.toml elsewhere is not picked up; exec so signals reach quarry itself.
quarry_cmd="cd $(printf '%q' "$work") && exec $(printf '%q' "$QUARRY_BINARY") serve --plugin-dir $(printf '%q' "$QUARRY_FIXTURE_DIR")"

start_gateway() {
  local attempt
  for attempt in 1 2 3; do
    port="$(free_port)"
    # stdin from /dev/null: closing a pipe on its stdin would stop the gateway.
    "$node22" "$gateway_js" --stdio "$quarry_cmd" --outputTransport streamableHttp \
      --port "$port" --protocolVersion 2025-06-18 --healthEndpoint /healthz --logLevel none \
      </dev/null >>"$gateway_log" 2>&1 &
    gateway_pid=$!
    if wait_healthy "http://127.0.0.1:$port/healthz" "$gateway_pid"; then
      return 0
    fi
    echo "conformance.sh: supergateway did not come up on port $port (attempt $attempt)" >&2
    stop_gateway
  done
  echo "--- supergateway log ---" >&2
  tail -n 40 "$gateway_log" >&2
  return 1
}

started=$(date +%s)
start_gateway || die "could not start supergateway"
url="http://127.0.0.1:$port/mcp"
echo "conformance: supergateway (stateless) on $url, quarry: $QUARRY_BINARY"

passed=0
failed=0
failed_names=()
for scenario in "${scenarios[@]}"; do
  log="$work/$scenario.log"
  t0=$(date +%s%N)
  "$node22" "$conformance_js" server --url "$url" --scenario "$scenario" -o "$results" \
    </dev/null >"$log" 2>&1
  rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  # The CLI exits 0 when no check FAILED; warnings are allowed. Also insist that it ran
  # checks at all ("Passed: X/Y" with Y > 0).
  summary="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -Eo 'Passed: [0-9]+/[0-9]+, [0-9]+ failed, [0-9]+ warnings' | tail -n 1)"
  total="$(echo "$summary" | sed -nE 's#Passed: [0-9]+/([0-9]+).*#\1#p')"
  if [ "$rc" -eq 0 ] && [ "${total:-0}" -gt 0 ]; then
    passed=$((passed + 1))
    echo "PASS $scenario (${ms} ms; $summary)"
  else
    failed=$((failed + 1))
    failed_names+=("$scenario")
    echo "FAIL $scenario (exit $rc, ${ms} ms; ${summary:-no summary})"
    sed 's/\x1b\[[0-9;]*m//g' "$log" | sed 's/^/    | /'
  fi
done

if ! kill -0 "$gateway_pid" 2>/dev/null; then
  echo "conformance.sh: supergateway died during the run" >&2
fi
if [ "$failed" -gt 0 ] && [ -s "$gateway_log" ]; then
  echo "--- supergateway log (tail) ---"
  tail -n 60 "$gateway_log" | sed 's/^/    | /'
fi
stop_gateway
echo "conformance: $(($(date +%s) - started)) s; failed: ${failed_names[*]:-none}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
