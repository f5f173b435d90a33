#!/usr/bin/env bash
# Jobs 4 and 5: the analysis commands on the changing year's database
# (jobs/growth.sh): diff of the first and last snapshots, the timeline of the
# whole year (all of it, and one recipe), attribute of the year's last HC1
# failure, blast-radius of every recipe. Targets: each < 0.3 s, peak RSS
# < 200 MiB. Writes $results/analysis.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
db=$work/year-changing.db
[[ -f $db ]] || { echo "no $db: run jobs/growth.sh first" >&2; exit 2; }

query() { sqlite3 "$db" "$1"; }
# A database written by an older forensic is migrated on its first open: not timed.
"$forensic" list --db "$db" >/dev/null
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
} >"$results/analysis.md"
