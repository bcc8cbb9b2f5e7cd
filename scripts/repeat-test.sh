#!/usr/bin/env bash
# Runs a command N times in a row and stops at the first failure, keeping its output:
#   scripts/repeat-test.sh 20 npx vitest run --project integration-pg \
#     test/integration/faults.integration.test.ts -t "two workers"
# Used to find races that show only now and then (and to show they are gone: N passes).
set -uo pipefail
if [ $# -lt 2 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/repeat-test.sh N COMMAND [ARGS...]" >&2
  exit 2
fi
runs=$1
shift
log_dir=$(mktemp -d "${TMPDIR:-/tmp}/repeat-test-XXXXXX")
for ((run = 1; run <= runs; run++)); do
  started=$(date +%s)
  if "$@" >"$log_dir/run-$run.log" 2>&1; then
    echo "run $run/$runs passed in $(($(date +%s) - started)) s (load $(cut -d' ' -f1 /proc/loadavg))"
    rm -f "$log_dir/run-$run.log"
  else
    echo "run $run/$runs FAILED after $(($(date +%s) - started)) s; output: $log_dir/run-$run.log"
    tail -n 40 "$log_dir/run-$run.log"
    exit 1
  fi
done
rmdir "$log_dir"
echo "$runs of $runs runs passed"
