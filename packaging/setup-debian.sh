#!/usr/bin/env bash
# Installs everything Quarry needs to build and test on Debian 12. Idempotent:
# packages already present are skipped, so running it again costs a second.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config clang-format
  # libraries (DESIGN.md "Dependencies")
  libboost-dev nlohmann-json3-dev libtbb-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev
  libbenchmark-dev libtomlplusplus-dev libcli11-dev libvalijson-dev libfast-float-dev
  libeigen3-dev libsqlite3-dev libcairo2-dev libutf8proc-dev
  # real MCP clients in the test suite run on Node.js from npm
  nodejs npm curl
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
# The machine may already have a newer Node.js than Debian's; keep it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs/}")
  missing=("${missing[@]/npm/}")
fi
read -r -a missing <<<"${missing[*]:-}"

if ((${#missing[@]} > 0)); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "setup: all packages present" >&2
fi
