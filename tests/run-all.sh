#!/usr/bin/env bash
# Sets everything up and runs every test: a fresh build with all tests (unit,
# integration, ABI, real MCP clients), then the unit and integration tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer.
#   QUARRY_SKIP_SANITIZERS=1  skip the sanitizer pass (local iterations)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

./packaging/setup-debian.sh

jobs=$(nproc)
# ccache hits across clones of the repository (paths under the root are hashed as
# relative), so CI on a machine that built before reuses its objects.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=pch_defines,time_macros
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
build() {  # build DIR [cmake options...]
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -G Ninja -DQUARRY_BUILD_TESTS=ON -DQUARRY_BUILD_BENCH=OFF "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

echo "== build and test (RelWithDebInfo) ==" >&2
build build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --test-dir build/release --output-on-failure -j "$jobs" --timeout 900

if [ "${QUARRY_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build and test under ASan + UBSan ==" >&2
  build build/sanitize -DCMAKE_BUILD_TYPE=Debug -DQUARRY_SANITIZE=ON
  # verify_asan_link_order=0: one test preloads a helper library with LD_PRELOAD.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:verify_asan_link_order=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/sanitize --output-on-failure -j "$jobs" --timeout 900 -L "unit|integration|abi"
fi
