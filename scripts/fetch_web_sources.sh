#!/usr/bin/env bash
# Fetches Dear ImGui 1.86 and yaml-cpp 0.7.0 sources from Debian's source packages for the
# WebAssembly build (Emscripten cannot link the host's libraries). Uses a private sources list
# derived from the machine's own deb822 file, so /etc/apt stays untouched and no archive host
# is named here (../shared/docs/toolchain.md section 2). Safe to run twice.
# Prints the CMake -D flags on its last line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
S="${TRAINPLAN_CACHE:-$root/.cache}/web-sources"
imgui="$S/src/imgui-1.86"
yaml="$S/src/yaml-cpp-yaml-cpp-0.7.0"
if [ ! -f "$imgui/imgui.h" ] || [ ! -f "$yaml/CMakeLists.txt" ]; then
  mkdir -p "$S/lists/partial" "$S/sources.list.d" "$S/src"
  sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$S/sources.list.d/src.sources"
  O=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$S/sources.list.d" -o "Dir::State::Lists=$S/lists")
  apt-get "${O[@]}" -qq update >&2
  (cd "$S/src" && apt-get "${O[@]}" -qq source --download-only imgui yaml-cpp >&2 && for f in *.orig.tar.*; do tar xf "$f"; done)
fi
[ -f "$imgui/imgui.h" ] || { echo "fetch_web_sources: $imgui/imgui.h missing after download" >&2; exit 1; }
[ -f "$yaml/CMakeLists.txt" ] || { echo "fetch_web_sources: $yaml/CMakeLists.txt missing after download" >&2; exit 1; }
echo "-DTRAINPLAN_IMGUI_DIR=$imgui -DTRAINPLAN_YAML_CPP_DIR=$yaml"
