#!/usr/bin/env bash
# The demo's emulators on 127.0.0.1, started together and stopped together:
#   moto_server  STS, and the instance metadata of demo-instance   port ROLECALL_DEMO_PORT (4599)
#   sign_in.py   IAM Identity Center and the console's sign-in      the next port (4600)
# (ROLECALL_DEMO_PORT=0 picks free ports.) Once both answer it prints the variables that
# point rolecall at them, one `export NAME=value` line each, then `ready`; it keeps them
# running until its standard input closes (Enter, when run by hand) or it is killed.
# run.sh starts the demo through it, and so do the demo's tests.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in .venv/bin/moto_server .venv/bin/python; do
  [ -x "$tool" ] || { echo "rolecall demo: $tool is missing: run bash assets/demo/run.sh" >&2; exit 1; }
done

port=${ROLECALL_DEMO_PORT:-4599}
if [ "$port" = 0 ]; then sign_in_port=0; else sign_in_port=$((port + 1)); fi
logs=$(mktemp -d)
pids=()
stop() {
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  rm -rf "$logs"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Both start at once: the demo waits for the slower one only (moto, about a second).
.venv/bin/moto_server -H 127.0.0.1 -p "$port" </dev/null >"$logs/sts" 2>&1 &
pids+=($!)
.venv/bin/python assets/demo/sign_in.py --port "$sign_in_port" --sts-url-file "$logs/sts-url" \
  </dev/null >"$logs/sign-in" 2>&1 &
pids+=($!)

# The URL a server's log says it listens on, once it says so.
listening() { grep -o 'http://127\.0\.0\.1:[0-9]*' "$1" 2>/dev/null | head -n 1 || true; }
sts='' sign_in=''
for _ in $(seq 300); do
  [ -n "$sts" ] || sts=$(listening "$logs/sts")
  [ -n "$sign_in" ] || sign_in=$(listening "$logs/sign-in")
  [ -n "$sts" ] && [ -n "$sign_in" ] && break
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "rolecall demo: an emulator did not start (is port $port or $((port + 1)) in use? ROLECALL_DEMO_PORT picks another):" >&2
      cat "$logs/sts" "$logs/sign-in" >&2
      exit 1
    fi
  done
  sleep 0.05
done
if [ -z "$sts" ] || [ -z "$sign_in" ]; then
  echo "rolecall demo: the emulators did not answer within 15 seconds" >&2
  exit 1
fi
# The console stand-in asks STS whose a session is (GetCallerIdentity), as the real
# federation endpoint checks the session it is given.
echo "$sts" >"$logs/sts-url"

cat <<EOF
export AWS_ENDPOINT_URL_STS=$sts
export AWS_EC2_METADATA_SERVICE_ENDPOINT=$sts/
export AWS_ENDPOINT_URL_SSO=$sign_in
export AWS_ENDPOINT_URL_SSO_OIDC=$sign_in
export ROLECALL_FEDERATION_ENDPOINT=$sign_in/federation
export ROLECALL_DEMO_EMULATOR=running
ready
EOF
read -r _ || true
