#!/usr/bin/env bash
# DB growth: size after one snapshot of a host and after N unchanged nightly
# snapshots of it. Usage: bench/db_growth.sh [generations] [nights]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
forensic=${FORENSIC:-$here/../build/tools/forensic}
generations=${1:-300}
nights=${2:-365}
work=$here/work/db_growth
rm -rf "$work" && mkdir -p "$work"
"$here/nix_host.sh" "$work/root" "$generations"
db=$work/forensic.db
size() { stat -c %s "$1"; }
snapshot() {
    "$forensic" snapshot --db "$db" --root "$work/root" --host cc-ci --only nix,abra --at "$1" > /dev/null
}
start=$(date -u -d 2026-01-01T03:00:00Z +%s)
snapshot "$(date -u -d "@$start" +%Y-%m-%dT%H:%M:%SZ)"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
one=$(size "$db")
for ((i = 1; i < nights; i++)); do
    snapshot "$(date -u -d "@$((start + i * 86400))" +%Y-%m-%dT%H:%M:%SZ)"
done
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
all=$(size "$db")
facts=$(sqlite3 "$db" 'SELECT count(*) FROM fact')
echo "generations=$generations nights=$nights facts=$facts"
echo "size after 1 snapshot: $one bytes"
echo "size after $nights snapshots: $all bytes"
echo "per unchanged night: $(( (all - one) / (nights - 1) )) bytes"
