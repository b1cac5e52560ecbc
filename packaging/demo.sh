#!/usr/bin/env bash
# Sets up, builds, and runs a short scripted MCP session against `quarry serve`
# with the bundled plugins on the bundled sample data: the same JSON-RPC messages
# an AI client sends, printed as they go back and forth.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

./packaging/setup-debian.sh
command -v jq >/dev/null || {
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq --no-install-recommends jq >&2
}

build=${QUARRY_BUILD_DIR:-build/demo}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUARRY_BUILD_TESTS=OFF \
  -DQUARRY_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target quarry quarry_bundled_plugins

data="$root/packaging/sample-data"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

coproc QUARRY {
  exec "$build/host/quarry" serve --plugin-dir "$build/plugins" --data-root "$data" \
    --output-root "$out" --set "plugins.cache_dir=$out/cache" --log-level warn
}
next_id=0
# call METHOD PARAMS-JSON [JQ-FILTER]: sends a request, prints it, then every message up to
# its response (the response through the filter, by default its result or error).
call() {
  local filter=${3:-'.result // .error'}
  next_id=$((next_id + 1))
  local request
  request=$(jq -cn --arg m "$1" --argjson p "$2" --argjson id "$next_id" \
    '{jsonrpc:"2.0", id:$id, method:$m, params:$p}')
  printf '\n\033[1m→ %s\033[0m\n' "$request" | cut -c1-400
  echo "$request" >&"${QUARRY[1]}"
  while IFS= read -r line <&"${QUARRY[0]}"; do
    if [ "$(jq -r '.id // empty' <<<"$line")" = "$next_id" ]; then
      jq -C -r "$filter" <<<"$line" | head -n "${DEMO_LINES:-60}"
      return
    fi
    printf '← %s\n' "$(jq -c . <<<"$line")" | cut -c1-200
  done
}

call initialize '{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"demo","version":"1"}}'
echo '{"jsonrpc":"2.0","method":"notifications/initialized"}' >&"${QUARRY[1]}"
call tools/list '{}' '[.result.tools[] | {name, description: (.description | .[0:100] + "…")}]'
for request in packaging/demo/*.json; do
  # What a chat client shows its model: the text content (structuredContent has the same as data).
  call tools/call "$(cat "$request")" '.result.content[] | select(.type == "text") | .text'
done
call tools/call '{"name":"quarry_health"}' '.result.structuredContent | {uptime_s, peak_rss_bytes, tools}'
exec {QUARRY[1]}>&-
wait "$QUARRY_PID"
