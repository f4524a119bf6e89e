#!/usr/bin/env bash
# The cost of proven identity, measured in one run: a bare tonic health server, then the suite
# with SHANYRAQ_IDENTITY=dev and with mtls (plus a token per applicant), each under the same
# `load` commands; every figure is also given as a ratio to the bare server's health in this run.
# The suite runs on core 0, the load on core 1. Usage: tests/load/bench-identity.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shanyraq-target}"
rounds="${1:-2}"
health_for="${HEALTH_DURATION:-15s}" enrol_for="${ENROL_DURATION:-20s}" persons="${ENROL_PERSONS:-12000}"
cargo build --release -q -p suite -p load
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin/suite" certs --out "$work/tls" >/dev/null
"$bin/suite" certs issue --dir "$work/tls" --subsystem otbasy-portal >/dev/null
"$bin/suite" token init --dir "$work/tokens" --trust otbasy-portal >/dev/null

calls_per_second() { awk '/^calls /{print $8}'; }
measure() { # target scenario duration [extra load flags...]
  local target="$1" scenario="$2" duration="$3"; shift 3
  taskset -c 1 "$bin/load" --target "$target" --scenario "$scenario" --concurrency 64 --channels 4 \
    --duration "$duration" "$@" 2>/dev/null | tee -a "$work/load.log" | calls_per_second
}
wait_for() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

printf '| round | bare tonic health | suite health, dev | suite health, mtls | registry-enrol, dev | registry-enrol, mtls + tokens |\n|---|---|---|---|---|---|\n'
for round in $(seq 1 "$rounds"); do
  taskset -c 0 "$bin/load" bare-server 127.0.0.1:50999 2>/dev/null & bare=$!
  wait_for 50999; b=$(measure http://127.0.0.1:50999 health "$health_for"); kill $bare; wait $bare 2>/dev/null || true

  declare -A got=()
  for mode in dev mtls; do
    rm -rf "$work/data"
    env=(SHANYRAQ_LOG=warn SHANYRAQ_DATA_DIR="$work/data" SHANYRAQ_LISTEN=127.0.0.1:50061)
    flags=()
    if [ "$mode" = mtls ]; then
      env+=(SHANYRAQ_IDENTITY=mtls SHANYRAQ_TLS_DIR="$work/tls" SHANYRAQ_HEALTH_LISTEN=127.0.0.1:50062
            SHANYRAQ_TOKEN_ISSUERS_FILE="$work/tokens/issuers.toml")
      flags=(--tls-dir "$work/tls")
    fi
    env "${env[@]}" taskset -c 0 "$bin/suite" >/dev/null 2>&1 & suite=$!
    wait_for 50061; sleep 4 # the gateway seeds its population at start
    got[$mode-health]=$(measure http://127.0.0.1:50061 health "$health_for" "${flags[@]}")
    tokens=(); [ "$mode" = mtls ] && tokens=(--tokens "$work/tokens")
    got[$mode-enrol]=$(measure http://127.0.0.1:50061 registry-enrol "$enrol_for" --persons "$persons" "${flags[@]}" "${tokens[@]}")
    kill $suite; wait $suite 2>/dev/null || true
  done
  ratio() { awk -v a="$1" -v b="$b" 'BEGIN { printf "%s/s (%.4f)", a, a / b }'; }
  printf '| %s | %s/s (1) | %s | %s | %s | %s |\n' "$round" "$b" "$(ratio "${got[dev-health]}")" \
    "$(ratio "${got[mtls-health]}")" "$(ratio "${got[dev-enrol]}")" "$(ratio "${got[mtls-enrol]}")"
  awk -v d="${got[dev-health]}" -v m="${got[mtls-health]}" -v de="${got[dev-enrol]}" -v me="${got[mtls-enrol]}" \
    'BEGIN { printf "|   | mtls / dev | | health %.3f | | enrol %.3f |\n", m / d, me / de }'
done
grep -E '^(scenario|calls|latency|failures)' "$work/load.log" >&2 || true
