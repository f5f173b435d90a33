#!/usr/bin/env bash
# Jobs 4 and 5: the analysis commands on the changing year's database
# (jobs/growth.sh): diff of the first and last snapshots, the timeline of the
# whole year (all of it, and one recipe), attribute of the year's last HC1
# failure, blast-radius of every recipe. Targets: each < 0.3 s, peak RSS
# < 200 MiB. Then the maintenance of that year (issue 19): verify, which
# recomputes the chain of snapshot seals, and prune to 30 daily, 12 weekly
# and 12 monthly snapshots on a fresh copy each round. Writes
# $results/analysis.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
db=$work/year-changing.db
[[ -f $db ]] || { echo "no $db: run jobs/growth.sh first" >&2; exit 2; }

query() { sqlite3 "$db" "$1"; }
# A database written by an older forensic is migrated first (reads never do): not timed.
"$forensic" migrate --db "$db" >/dev/null
last=$(query 'SELECT max(id) FROM snapshot')
analysis_commands "$db"
names=("${analyses[@]}")
for name in "${names[@]}"; do rm -f "$results/$name.times"; done
for ((round = 1; round <= repeats; round++)); do
    for name in "${names[@]}"; do
        # shellcheck disable=SC2086 # the command's words
        sample "$name" "$forensic" ${command[$name]} --db "$db"
    done
done

# Maintenance: verify reads every interval twice (the chain); prune runs on a copy.
pruned=$work/year-prune.db
rm -f "$results/verify.times" "$results/prune.times"
for ((round = 1; round <= repeats; round++)); do
    sample verify "$forensic" verify --db "$db"
    sqlite3 "$db" ".backup '$pruned'"
    sample prune "$forensic" prune --keep-daily 30 --keep-weekly 12 --keep-monthly 12 --db "$pruned"
done
intervals=$(query 'SELECT count(*) FROM fact')
removed=$("$forensic" prune --dry-run --json --keep-daily 30 --keep-weekly 12 --keep-monthly 12 --db "$db" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["removed"]))')
rm -f "$pruned" "$pruned-wal" "$pruned-shm"

{
    echo "## 4–5. Analysis on the changing year's database ($(stat -c %s "$db") bytes, $last snapshots)"
    echo
    echo "| command | output lines | median wall (s) | min–max (s) | median cpu (s) | peak RSS (MiB) |"
    echo "|---|---|---|---|---|---|"
    for name in "${names[@]}"; do
        # shellcheck disable=SC2086
        lines=$("$forensic" ${command[$name]} --db "$db" | wc -l)
        echo "| \`forensic ${command[$name]}\` | $lines | $(row_of "$name") |"
    done
    echo
    echo "Targets: each < 0.3 s wall; peak RSS < 200 MiB."
    echo
    echo "### Maintenance of the same year ($intervals intervals)"
    echo
    echo "| command | median wall (s) | min–max (s) | median cpu (s) | peak RSS (MiB) |"
    echo "|---|---|---|---|---|"
    echo "| \`forensic verify\` (integrity, invariants, the chain recomputed) | $(row_of verify) |"
    echo "| \`forensic prune --keep-daily 30 --keep-weekly 12 --keep-monthly 12\` ($removed of $last snapshots removed, then VACUUM) | $(row_of prune) |"
} >"$results/analysis.md"
