#!/usr/bin/env bash
# Benchmark: classifying pathological source_profile chains (issue: chains must cost linear
# time and memory). Generates two configs and times `rolecall check` and `rolecall list` on
# each as a whole process, with its peak RSS (GNU time):
#   chain-N  one chain of N hops: p0 -> p1 -> ... -> pN-1, pN-1 holding static keys
#   cycle-N  N profiles in one source_profile cycle: p0 -> p1 -> ... -> pN-1 -> p0
# Needs: a release build (built here), /usr/bin/time. Usage: bash benches/chains.sh [N] [RUNS]
# The bar (docs/BENCHMARKS.md): `check` on either shape at 10,000 hops under 100 ms and 50 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${2:-5}
bin=${ROLECALL_BENCH_BIN:-target/release/rolecall}
[ -n "${ROLECALL_BENCH_BIN:-}" ] || cargo build --release --quiet
out=target/bench/chains
mkdir -p "$out"
python3 - "$n" "$out" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
def write(name, last_source):
    with open(f"{out}/{name}-{n}.config", "w") as f:
        for i in range(n):
            nxt = f"p{i + 1}" if i + 1 < n else last_source
            f.write(f"[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/R{i}\n")
            if nxt:
                f.write(f"source_profile = {nxt}\n")
    with open(f"{out}/{name}-{n}.credentials", "w") as f:
        if not last_source:
            f.write(f"[p{n - 1}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
write("chain", None)
write("cycle", "p0")
PY
for shape in chain cycle; do
  for cmd in check list; do
    export AWS_CONFIG_FILE="$out/$shape-$n.config" AWS_SHARED_CREDENTIALS_FILE="$out/$shape-$n.credentials"
    walls=() rss=()
    for _ in $(seq "$runs"); do
      /usr/bin/time -o "$out/time" -f '%e %M' timeout 300 "$bin" "$cmd" >/dev/null 2>&1 || true
      stats=$(tail -n 1 "$out/time")
      walls+=("${stats% *}") rss+=("${stats#* }")
    done
    median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    echo "$shape-$n $cmd: median wall $(median "${walls[@]}") s, median peak RSS $(( $(median "${rss[@]}") / 1024 )) MB ($runs runs)"
  done
done
