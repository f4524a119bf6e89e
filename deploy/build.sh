#!/usr/bin/env bash
# Builds one binary of the suite for an image, the way CI builds: `deploy/build.sh BIN [OUT]`
# where BIN is `suite` or a service (privatization, registry, rent-subsidy, complaints,
# egov-gateway). The binary lands in OUT (default target/deploy) with nothing else: the
# calendar and the subsidy's parameters are built in, and every setting is an environment
# variable (`BIN --help` lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:?usage: deploy/build.sh BIN [OUT]}"
out="${2:-target/deploy}"
case "$bin" in
  suite|privatization|registry|rent-subsidy|complaints|egov-gateway) ;;
  *) echo "deploy/build.sh: unknown binary $bin" >&2; exit 2 ;;
esac
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked -p "$bin"
mkdir -p "$out"
cp "$target/release/$bin" "$out/$bin"
"$out/$bin" --version
