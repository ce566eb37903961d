#!/usr/bin/env bash
# Benchmark: the commands a shell runs without being asked, whole process, release build.
# - `rolecall prompt` (a prompt runs it before every command line), against `true` as the
#   floor of starting any process;
# - one Tab of completion: subcommand names (no file read), and profile names from a
#   generated config of N profiles (the files loaded as `list` loads them).
# Needs: hyperfine (apt), a release build.
# Usage: bash benches/everyday.sh [N]   (default 5000; results: target/bench/everyday-N.md)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --locked
n=${1:-5000}
out=target/bench
mkdir -p "$out"
dir="$out/config-$n"
python3 benches/gen_config.py "$n" "$dir"
export AWS_CONFIG_FILE="$PWD/$dir/config" AWS_SHARED_CREDENTIALS_FILE="$PWD/$dir/credentials"
export ROLECALL_PROFILE=prod-admin
AWS_CREDENTIAL_EXPIRATION=$(date -u -d '+42 minutes' +%Y-%m-%dT%H:%M:%SZ)
export AWS_CREDENTIAL_EXPIRATION
bin="$PWD/target/release/rolecall"
hyperfine --warmup 20 --runs 300 -N --export-markdown "$out/everyday-prompt.md" \
  -n "true (process floor)" "true" \
  -n "rolecall prompt" "$bin prompt"
hyperfine --warmup 3 --runs 30 -N --export-markdown "$out/everyday-$n.md" \
  -n "Tab: subcommands" "env ROLECALL_COMPLETE=fish $bin -- rolecall ex" \
  -n "Tab: profile names ($n profiles)" "env ROLECALL_COMPLETE=fish $bin -- rolecall export team0001"
