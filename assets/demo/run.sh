#!/usr/bin/env bash
# The demo in one command: build rolecall, create the venv with moto_server if missing,
# start the demo's emulators on 127.0.0.1 (emulators.sh: STS, IAM Identity Center and the
# console's sign-in), open `rolecall --demo` against them, stop them on exit.
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

# The emulators run while this script does: their standard input is a pipe from here, so
# they stop when it closes, even if this script is killed.
coproc EMULATORS { exec bash assets/demo/emulators.sh; }
trap 'kill "$EMULATORS_PID" 2>/dev/null || true' EXIT
ready=''
while IFS= read -r line <&"${EMULATORS[0]}"; do
  case $line in
    ready) ready=yes; break ;;
    'export '*=*) line=${line#export }; export "${line%%=*}=${line#*=}" ;;
  esac
done
[ -n "$ready" ] || exit 1

target/debug/rolecall --demo "$@"
