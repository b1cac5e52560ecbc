#!/usr/bin/env bash
# A third party's view of the SDK: install it to a temporary prefix, build the
# template plugin in a separate directory with find_package(QuarrySdk), drop the
# .so into a watched directory of a running `quarry serve`, wait for
# notifications/tools/list_changed, and call the new tool over MCP.
#   out_of_tree_plugin.sh BUILD_DIR QUARRY_BINARY SOURCE_DIR
set -euo pipefail
build_dir=$1 quarry=$2 source_dir=$3
work=$(mktemp -d)
trap 'kill "${QUARRY_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

cmake --install "$build_dir" --component sdk --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/packaging/template" -B "$work/plugin-build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin-build" >/dev/null
plugin=$(find "$work/plugin-build" -name 'libhello.so' | head -n 1)
[ -n "$plugin" ] || { echo "FAIL: the template did not produce libhello.so"; exit 1; }

mkdir -p "$work/plugins" "$work/cache"
coproc QUARRY { exec "$quarry" serve --plugin-dir "$work/plugins" --set "plugins.cache_dir=$work/cache" \
  --log-level warn 2>"$work/stderr"; }
send() { echo "$1" >&"${QUARRY[1]}"; }
# expect PATTERN: reads lines until one matches (10 s at most) and keeps it in $matched.
# (It must run in this shell: coprocess descriptors are not inherited by subshells.)
matched=""
expect() {
  local line
  while IFS= read -r -t 10 line <&"${QUARRY[0]}"; do
    if grep -q -- "$1" <<<"$line"; then
      matched=$line
      return 0
    fi
  done
  echo "FAIL: no message matching $1; quarry stderr:" >&2
  cat "$work/stderr" >&2
  return 1
}

send '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"oot","version":"1"}}}'
expect '"id":1'
send '{"jsonrpc":"2.0","method":"notifications/initialized"}'
cp "$plugin" "$work/plugins/"
expect 'notifications/tools/list_changed'
send '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
expect '"id":2'
grep -q '"hello_greet"' <<<"$matched" || { echo "FAIL: hello_greet not listed: $matched"; exit 1; }
send '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"hello_greet","arguments":{"name":"Ada"}}}'
expect '"id":3'
result=$matched
grep -q 'Ada' <<<"$result" || { echo "FAIL: unexpected result: $result"; exit 1; }
grep -q '"isError":true' <<<"$result" && { echo "FAIL: the call failed: $result"; exit 1; }
echo "out-of-tree plugin: built, dropped in, announced, called"
echo "1 passed, 0 failed"
