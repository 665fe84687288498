#!/usr/bin/env bash
# Builds trainplan (native CLI and web page), serves the page on 127.0.0.1 and prints a default
# recommendation from the native binary. The server keeps running; Ctrl-C stops it.
# Set TRAINPLAN_PORT to choose the port (default 8765), TRAINPLAN_NO_SERVE=1 to skip serving.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
scripts/build.sh native
scripts/build.sh web
tp=build/native-release/native/trainplan
echo
echo "== trainplan recommend --nodes 20 --gpus-per-node 8 --days 5 --tokens-b 300 --tflops-per-gpu 140"
"$tp" recommend --nodes 20 --gpus-per-node 8 --days 5 --tokens-b 300 --tflops-per-gpu 140
echo
port="${TRAINPLAN_PORT:-8765}"
if [ "${TRAINPLAN_NO_SERVE:-0}" = 1 ]; then exit 0; fi
echo "== serving the page (offline, static) at http://127.0.0.1:$port/index.html  (Ctrl-C to stop)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory public
