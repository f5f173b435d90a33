#!/usr/bin/env bash
# Builds the synthetic host of this size under bench/work/<size>/, once: a
# later run reuses it while its parameters are the same.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
signature="$recipes $tags $generations $services $runs $(cat "$bench"/host/*.sh "$bench"/host/*.py | sha256sum | cut -c1-16)"
[[ -f $work/host.complete && $(cat "$work/host.complete") == "$signature" ]] && exit 0
echo "building the $size host under $work" >&2
rm -rf "$work"
mkdir -p "$host/etc" "$results"
echo bench-ci >"$host/etc/hostname"
"$bench/host/git.sh"
"$bench/host/nix.sh" "$host" "$generations"
python3 "$bench/host/generate.py"
echo "$signature" >"$work/host.complete"
