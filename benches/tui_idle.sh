#!/usr/bin/env bash
# Benchmark: an idle TUI with 5 sessions ticking. Starts moto_server, obtains 5 demo
# sessions with the CLI, opens `rolecall --demo` in a tmux pane, then reads the process's
# CPU time (/proc/PID/stat utime+stime) over 30 s and its peak RSS (VmHWM).
# Needs: tmux, the venv from .ci/setup, a release build. Usage: bash benches/tui_idle.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
cargo build --release --quiet
work=$(mktemp -d)
log="$work/moto.log"
.venv/bin/moto_server -H 127.0.0.1 -p 0 >"$log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; tmux -L rc-bench kill-server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "Running on" "$log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
export AWS_ENDPOINT_URL_STS=$url ROLECALL_CACHE_DIR="$work/cache" HOME="$work"
for p in demo-readonly demo-ops demo-ops-deploy demo-admin-mfa demo-instance; do
  AWS_EC2_METADATA_SERVICE_ENDPOINT="$url/" target/release/rolecall --demo export "$p" --mfa-code 123456 >/dev/null
done
tmux -L rc-bench new-session -d -x 160 -y 48 \
  "env AWS_ENDPOINT_URL_STS=$url ROLECALL_CACHE_DIR=$work/cache HOME=$work target/release/rolecall --demo"
pid=""
for _ in $(seq 100); do pid=$(pgrep -n -f "target/release/rolecall --demo" || true); [ -n "$pid" ] && break; sleep 0.1; done
sleep 2
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); sleep "$secs"; t1=$(ticks)
sessions=$(tmux -L rc-bench capture-pane -p | grep -o 'Sessions [0-9]*' | head -1)
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$secs" 'BEGIN { printf "idle CPU over %d s: %.2f%% of one core\n", s, 100 * (b - a) / hz / s }'
grep VmHWM "/proc/$pid/status"
echo "screen: $sessions"
