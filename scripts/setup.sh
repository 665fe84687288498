#!/usr/bin/env bash
# Installs what trainplan needs on Debian 12: build tools and libraries, Emscripten, Chromium,
# Slurm and munge for the local test cluster (scripts/slurm_cluster.sh; not the slurm-wlm metapackage),
# the web sources for the WebAssembly build, and the pinned npm packages of the browser test.
# Safe to run twice: it installs only what is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
packages=(build-essential cmake ninja-build git jq clang lld libgtest-dev libbenchmark-dev
          libyaml-cpp-dev nlohmann-json3-dev libcli11-dev emscripten chromium nodejs npm python3
          slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian (this image ships its own node 20): accept those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
"$root/scripts/fetch_web_sources.sh" > "$root/.cache/web-flags" 2>/dev/null || {
  mkdir -p "$root/.cache"; "$root/scripts/fetch_web_sources.sh" > "$root/.cache/web-flags"; }
if [ ! -d "$root/tests/web/node_modules/playwright-core" ]; then
  (cd "$root/tests/web" && npm ci --no-audit --no-fund --silent)
fi
