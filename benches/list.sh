#!/usr/bin/env bash
# Benchmark: `rolecall list` against the AWS CLI's own listing (botocore's
# Session().available_profiles, what `aws configure list-profiles` runs) and `awsume -l`,
# on generated configs of 1,000, 5,000 and 10,000 profiles.
# Needs: hyperfine (apt), the venv from .ci/setup, a release build.
# Usage: bash benches/list.sh [SIZES...]   (results: target/bench/list-N.md)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
sizes=("${@:-1000 5000 10000}")
out=target/bench
mkdir -p "$out"
for n in ${sizes[@]}; do
  dir="$out/config-$n"
  python3 benches/gen_config.py "$n" "$dir"
  export AWS_CONFIG_FILE="$PWD/$dir/config" AWS_SHARED_CREDENTIALS_FILE="$PWD/$dir/credentials"
  hyperfine --warmup 2 --runs 10 -N --export-markdown "$out/list-$n.md" \
    -n "rolecall list ($n)" "target/release/rolecall list" \
    -n "botocore available_profiles ($n)" ".venv/bin/python -c 'import botocore.session; print(len(botocore.session.Session().available_profiles))'" \
    -n "awsume -l ($n)" ".venv/bin/awsumepy -l"
done
