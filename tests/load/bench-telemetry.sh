#!/usr/bin/env bash
# The cost of telemetry, measured in one run: `registry-enrol` against the suite without an OTLP
# endpoint and with one (traces and metrics exported to `load otlp-sink`), the same command
# otherwise, beside the bare tonic health server of the same run. Suite on core 0, load and sink
# on core 1. Usage: tests/load/bench-telemetry.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shanyraq-target}"
rounds="${1:-2}" enrol_for="${ENROL_DURATION:-20s}" persons="${ENROL_PERSONS:-12000}"
cargo build --release -q -p suite -p load
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
ok_per_second() { awk '/^calls /{print $8}'; }
measure() { taskset -c 1 "$bin/load" --target "$1" --scenario "$2" --concurrency 64 --channels 4 --duration "$3" "${@:4}" 2>/dev/null | ok_per_second; }

taskset -c 1 "$bin/load" otlp-sink 127.0.0.1:54317 2>"$work/sink.log" & wait_for 54317
printf '| round | bare tonic health | registry-enrol, no telemetry | registry-enrol, traces and metrics exported | with / without |\n|---|---|---|---|---|\n'
for round in $(seq 1 "$rounds"); do
  taskset -c 0 "$bin/load" bare-server 127.0.0.1:50999 2>/dev/null & bare=$!
  wait_for 50999; b=$(measure http://127.0.0.1:50999 health 10s); kill $bare; wait $bare 2>/dev/null || true
  declare -A got=()
  for mode in off on; do
    rm -rf "$work/data"
    # The production log level in both modes: the filter bounds the exported spans too.
    env=(SHANYRAQ_LOG="${SHANYRAQ_LOG:-info}" SHANYRAQ_DATA_DIR="$work/data" SHANYRAQ_LISTEN=127.0.0.1:50061)
    [ "$mode" = on ] && env+=(OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:54317)
    env "${env[@]}" taskset -c 0 "$bin/suite" >/dev/null 2>&1 & suite=$!
    wait_for 50061; sleep 4
    got[$mode]=$(measure http://127.0.0.1:50061 registry-enrol "$enrol_for" --persons "$persons")
    kill $suite; wait $suite 2>/dev/null || true
  done
  awk -v b="$b" -v off="${got[off]}" -v on="${got[on]}" -v r="$round" \
    'BEGIN { printf "| %s | %s/s (1) | %s/s (%.4f) | %s/s (%.4f) | %.3f |\n", r, b, off, off / b, on, on / b, on / off }'
done
tail -1 "$work/sink.log" >&2
