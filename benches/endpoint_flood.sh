#!/usr/bin/env bash
# Benchmark: the loopback credential endpoint under a connection flood (docs/ENDPOINT.md,
# "Bounds"): CONNECTIONS half-open connections (a request head that never ends) plus
# CONNECTIONS idle ones, held HOLD seconds, while a legitimate client fetches credentials
# on a new connection every 10 ms. Prints the server's RSS before, at its peak (VmHWM) and
# after, and the legitimate client's p50/p99. Loopback only; stops by itself.
# The server is examples/endpoint_server.rs (a current-thread runtime, as `exec --server`).
# Needs: python3. Usage: bash benches/endpoint_flood.sh [CONNECTIONS] [HOLD] [HEAD_BYTES]
# (defaults: 9000 of each kind, held 15 s, half-open heads of 4096 bytes)
# ENDPOINT_SERVER=PATH runs that build of the example instead of a fresh release build
# (to compare two builds); SERVER_FILES=N gives the server a soft limit of N open files
# (default: the hard limit; 1024 is common on desktops).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-9000}
hold=${2:-15}
head=${3:-4096}
server_bin=${ENDPOINT_SERVER:-target/release/examples/endpoint_server}
if [ -z "${ENDPOINT_SERVER:-}" ]; then
  cargo build --release --locked --quiet --example endpoint_server
fi
work=$(mktemp -d)
server=""
trap 'exec 3>&- 2>/dev/null || true; [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
mkfifo "$work/stdin"
# The flood needs the hard limit; the server gets SERVER_FILES if set.
ulimit -n "$(ulimit -Hn)"
server_files=${SERVER_FILES:-$(ulimit -Hn)}
echo "server's open-file limit: $server_files"
(ulimit -n "$server_files" && exec "$server_bin") <"$work/stdin" >"$work/out" &
server=$!
exec 3>"$work/stdin" # the server's stdin: closing it stops the server
for _ in $(seq 200); do [ -s "$work/out" ] && break; sleep 0.05; done
read -r url token <"$work/out"
echo "endpoint: $url"
timeout $((hold + 120)) python3 benches/endpoint_flood.py "$url" "$token" "$server" "$count" "$hold" "$head"
exec 3>&-
wait "$server"
server=""
