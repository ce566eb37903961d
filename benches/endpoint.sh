#!/usr/bin/env bash
# Benchmark: the loopback credential endpoint (src/server) with the session cached:
# requests/s from one core and latency (p50/p99) at 25 concurrent connections, with wrk.
# The server (examples/endpoint_server.rs, a current-thread runtime) is pinned to CPU 0,
# wrk (one thread) to CPU 1; loopback only.
# Needs: wrk (Debian/Ubuntu: `sudo apt-get install wrk`), taskset (util-linux), 2 CPUs.
# Usage: bash benches/endpoint.sh [SECONDS] [CONNECTIONS]   (defaults: 10 s, 25)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-25}
if ! command -v wrk >/dev/null; then
  echo "wrk is missing: install it with 'sudo apt-get install wrk' (Debian/Ubuntu)" >&2
  exit 1
fi
cargo build --release --locked --quiet --example endpoint_server
work=$(mktemp -d)
server=""
trap 'exec 3>&- 2>/dev/null || true; [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
mkfifo "$work/stdin"
taskset -c 0 target/release/examples/endpoint_server <"$work/stdin" >"$work/out" &
server=$!
exec 3>"$work/stdin" # the server's stdin: closing it stops the server
for _ in $(seq 200); do [ -s "$work/out" ] && break; sleep 0.05; done
read -r url token <"$work/out"
echo "endpoint: $url (server on CPU 0, wrk on CPU 1, $conns connections, ${secs} s)"
# The server's CPU time (user + system, in clock ticks) tells its cost per request even on
# a machine shared with other work, where wall-clock requests/s also measure the neighbours.
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
cpu0=$(cpu)
ROLECALL_BENCH_TOKEN=$token taskset -c 1 \
  wrk -t1 -c"$conns" -d"${secs}s" --latency -s benches/endpoint.lua "$url" | tee "$work/wrk"
cpu1=$(cpu)
requests=$(awk '/^requests:/ {print $2}' "$work/wrk")
awk -v a="$cpu0" -v b="$cpu1" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {
  s = (b - a) / hz
  printf "server CPU: %.2f s for %d requests = %.1f us a request = %.0f requests per CPU-second\n", s, n, 1e6 * s / n, n / s
}'
exec 3>&-
wait "$server"
server=""
if ! grep -q "^non-200 answers: 0," "$work/wrk"; then
  echo "some answers were not 200: the run is not valid" >&2
  exit 1
fi
