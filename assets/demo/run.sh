#!/usr/bin/env bash
# The demo in one command: build rolecall, create the venv with moto_server if missing,
# start the emulator on 127.0.0.1, open `rolecall --demo` against it, stop it on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The first build compiles the AWS SDK: about 10 minutes on 2 cores, seconds after that.
# cargo's own progress shows what it is doing meanwhile.
if [ ! -x target/debug/rolecall ]; then
  echo "Building rolecall (the first build takes about 10 minutes on 2 cores)…"
fi
cargo build
if [ ! -x .venv/bin/moto_server ]; then
  echo "Creating .venv with moto_server (one time, about a minute)…"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check 'moto[server]>=5,<6'
fi

port=${ROLECALL_DEMO_PORT:-4599}
log=$(mktemp)
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q "Running on" "$log" && break
  kill -0 $moto 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done

export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$port"
export ROLECALL_DEMO_EMULATOR=running
export AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$port/"
target/debug/rolecall --demo "$@"
