#!/bin/sh
# One bounded libFuzzer run, as meson test runs it:
#   run_fuzzer.sh FUZZER SECONDS ARTIFACT_DIR [--dict FILE] SEED...
# FORENSIC_FUZZ_SECONDS overrides SECONDS. New inputs go to a scratch corpus
# that is removed after; a crashing input is kept in ARTIFACT_DIR (named in
# the log, and printed in hex) to replay with `FUZZER FILE`.
set -eu
fuzzer=$1 seconds=${FORENSIC_FUZZ_SECONDS:-$2} artifacts=$3
shift 3
dict=
if [ "${1:-}" = --dict ]; then dict="-dict=$2"; shift 2; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/seeds" "$artifacts" 2>/dev/null || true
for seed in "$@"; do cp "$seed" "$work/seeds/"; done
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
name=$(basename "$fuzzer")
status=0
# -timeout: an input that takes 10 s is a hang, and fails the run. libFuzzer
# exits 77 on a crash by default, which meson counts as a skipped test: a
# crash, a leak or a hang exits 1 here.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 $dict \
    -artifact_prefix="$artifacts/$name-" "$work/corpus" "$work/seeds" || status=$?
if [ "$status" -ne 0 ]; then
    find "$artifacts" -maxdepth 1 -name "$name-*" -newer "$work/seeds" | while read -r crash; do
        echo "input of $crash:"
        od -A d -c "$crash" | head -40
    done
fi
exit "$status"
