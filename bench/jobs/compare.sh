#!/usr/bin/env bash
# Job 7: this build against another (bench/run --before DIR), side by side in
# one run, taking turns: the first and the nightly snapshot of the host, the
# import of the embedded case (snapshots/dstamp) and of bundles of the bench
# host, the analysis commands on the changing year's database (jobs/growth.sh,
# by either build: both read the same file) with their outputs compared byte
# for byte, and the whole-year timeline against the floor of reading the same
# rows with `sqlite3` alone. Writes $results/compare.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$work"
[[ -n ${FORENSIC_BEFORE:-} ]] || { echo "compare: no --before build given" >&2; exit 2; }
before=$FORENSIC_BEFORE/tools/forensic
db=$work/year-changing.db
[[ -f $db ]] || { echo "no $db: run jobs/growth.sh first" >&2; exit 2; }
# The embedded case as recorded before format 4 (snapshots/dstamp holds it
# in format 4 now, which the build before refuses): both builds read these.
embedded=$bench/../tests/data/legacy-bundles
sides=(before after)
declare -A bin=([before]=$before [after]=$forensic)

# BINARY DB [BUNDLE...]: a snapshot of the host, or the bundles imported, into a new database.
first() { rm -f "$2" "$2-wal" "$2-shm" && "$1" snapshot --db "$2" $(snapshot_args) --at "$year_start"; }
import_new() { rm -f "$2" "$2-wal" "$2-shm" && "$1" import --db "$2" "${@:3}"; }
hand() { unshare --mount --propagation private bash -c 'mount --bind "$1/nix" /nix && exec "$2"' _ "$host" "$bench/hand_procedure.sh"; }
export -f first import_new hand snapshot_args
export bench year_start

# Each side reads its own copy of the year, brought to its schema the way
# that build does it: `forensic migrate` where it has one (reads never
# migrate), else its first open.
declare -A year migration
for side in "${sides[@]}"; do
    year[$side]=$work/year-$side.db
    rm -f "${year[$side]}"*
    sqlite3 "$db" ".backup '${year[$side]}'"
    if /usr/bin/time -o "$work/migrate-$side.time" -f '%e s wall, %U+%S s cpu, %M KiB' \
        "${bin[$side]}" migrate --db "${year[$side]}" >"$work/migrate-$side.out" 2>&1; then
        migration[$side]="$(cat "$work/migrate-$side.out") in $(cat "$work/migrate-$side.time")"
    else
        "${bin[$side]}" list --db "${year[$side]}" >/dev/null # a build without migrate: its first open
    fi
done
# The size of each side's year, as migrated and once vacuumed (a migration
# frees pages inside the file; VACUUM gives them back).
declare -A year_size vacuumed_size
for side in "${sides[@]}"; do
    sqlite3 "${year[$side]}" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
    year_size[$side]=$(stat -c %s "${year[$side]}")
    rm -f "$work/vacuumed-$side.db" && sqlite3 "${year[$side]}" "VACUUM INTO '$work/vacuumed-$side.db'"
    vacuumed_size[$side]=$(stat -c %s "$work/vacuumed-$side.db") && rm -f "$work/vacuumed-$side.db"
done

# The bundles: the bench host's first snapshot, and the first three nights
# of the changing year (each a bundle of the whole host).
# Written by the build before, so both can read them (a newer format is
# refused by an older build); the build after joins what its format lacks.
mkdir -p bundles
"$before" export 1 --db "${year[before]}" -o bundles/first.json
week=() week_nights=$((nights < 3 ? nights : 3))
for ((i = 1; i <= week_nights; i++)); do
    "$before" export "$i" --db "${year[before]}" -o "bundles/night-$i.json"
    week+=("bundles/night-$i.json")
done
for side in "${sides[@]}"; do
    rm -f "nightly-$side.db"*
    "${bin[$side]}" snapshot --db "nightly-$side.db" $(snapshot_args) --at "$year_start" >/dev/null
done

from=${year_start%%T*} to=$(night_time $((nights - 1)) | cut -dT -f1)
last_id=$(sqlite3 "$db" 'SELECT max(id) FROM snapshot')
analysis_commands "$db"
# The timeline's own rows (what began or ended in the range, and what carries
# an event time in it), read and printed by sqlite3 alone.
lo=$(($(date -u -d "$from" +%s) * 1000000000)) hi=$(($(date -u -d "$to 23:59:59" +%s) * 1000000000 + 999999999))
floor_sql="SELECT k.source, k.subject, k.key, f.value, f.event_time, f.valid_from, f.valid_to
    FROM fact f JOIN fact_key k ON k.id = f.key_id WHERE f.valid_from > $lo AND f.valid_from <= $hi
    UNION ALL SELECT k.source, k.subject, k.key, f.value, f.event_time, f.valid_from, f.valid_to
    FROM fact f JOIN fact_key k ON k.id = f.key_id WHERE f.valid_to > $lo AND f.valid_to <= $hi
    AND NOT (f.valid_from > $lo AND f.valid_from <= $hi)
    UNION ALL SELECT k.source, k.subject, k.key, f.value, f.event_time, f.valid_from, f.valid_to
    FROM fact f JOIN fact_key k ON k.id = f.key_id WHERE f.event_time >= $lo AND f.event_time <= $hi"

names=(hand floor timeline-floor)
for side in "${sides[@]}"; do
    for n in first nightly import-first import-week import-embedded "${analyses[@]}"; do names+=("$n-$side"); done
done
for name in "${names[@]}"; do rm -f "$results/$name.times"; done
for ((round = 1; round <= repeats; round++)); do
    sample hand bash -c hand
    sample floor "$bench/floor.sh"
    sample timeline-floor sqlite3 "$db" "$floor_sql"
    for side in "${sides[@]}"; do
        sample "first-$side" bash -c 'first "$@"' _ "${bin[$side]}" "first-$side.db"
        sample "nightly-$side" "${bin[$side]}" snapshot --db "nightly-$side.db" $(snapshot_args)
        sample "import-first-$side" bash -c 'import_new "$@"' _ "${bin[$side]}" "import-first-$side.db" bundles/first.json
        sample "import-embedded-$side" bash -c 'import_new "$@"' _ "${bin[$side]}" "import-embedded-$side.db" "$embedded"/*.json
        for name in "${analyses[@]}"; do
            # shellcheck disable=SC2086 # the command's words
            sample "$name-$side" "${bin[$side]}" ${command[$name]} --db "${year[$side]}"
        done
    done
    echo "compare: round $round of $repeats done" >&2
done
# Nights of bundles are long to import: two rounds.
for ((round = 1; round <= 2; round++)); do
    for side in "${sides[@]}"; do
        sample "import-week-$side" bash -c 'import_new "$@"' _ "${bin[$side]}" "import-week-$side.db" "${week[@]}"
    done
done

# Outputs byte for byte: the analyses, and the imported embedded case.
same() { cmp -s "$1" "$2" && echo "same" || echo "**differ**"; }
declare -A output
for name in "${analyses[@]}"; do
    for side in "${sides[@]}"; do
        # shellcheck disable=SC2086
        "${bin[$side]}" ${command[$name]} --db "${year[$side]}" >"out-$name-$side.txt"
    done
    output[$name]=$(same "out-$name-before.txt" "out-$name-after.txt")
done
# What each database holds, as plain SQL reads it (the snapshots' own times differ).
state_of() { sqlite3 "$1" 'SELECT snapshot_id, source, subject, key, value, event_time FROM fact_state ORDER BY 1, 2, 3, 4'; }
for side in "${sides[@]}"; do
    for what in first import-first import-week import-embedded; do state_of "$what-$side.db" >"$what-$side.state"; done
done
size_of() { sqlite3 "$1" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null; stat -c %s "$1"; }

row() { echo "| $1 | $(row_of "$2-before") | $(row_of "$2-after") | $(ratio "$(median_wall "$2-before")" "$(median_wall "$2-after")")x | $3 |"; }
{
    echo "## 7. Issue 21: this build against the one before, side by side"
    echo
    echo "Before: \`$("$before" --version | head -1)\` from \`$FORENSIC_BEFORE\`; after: the build measured."
    echo "Medians of $repeats rounds, taking turns. Each cell: median wall (s) | min–max | median cpu (s) | peak RSS (MiB)."
    echo
    echo "| command | before wall | min–max | cpu | RSS | after wall | min–max | cpu | RSS | before / after | output |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    row "\`forensic snapshot\`, first (new database)" first "$(same first-before.state first-after.state) state"
    row "\`forensic snapshot\`, nightly" nightly ""
    row "\`forensic import\` of the first snapshot's bundle, new database" import-first "$(same import-first-before.state import-first-after.state) state"
    row "\`forensic import\` of $week_nights nights' bundles, new database (2 runs)" import-week "$(same import-week-before.state import-week-after.state) state"
    row "\`forensic import\` of the embedded case (as recorded before format 4: \`tests/data/legacy-bundles\`, 10 bundles), new database" import-embedded "$(same import-embedded-before.state import-embedded-after.state) state"
    for name in "${analyses[@]}"; do
        row "\`forensic ${command[$name]}\` ($(wc -l <"out-$name-after.txt") lines)" "$name" "${output[$name]}"
    done
    echo
    echo "| reference | median wall (s) | min–max (s) | median cpu (s) | peak RSS (MiB) |"
    echo "|---|---|---|---|---|"
    echo "| hand procedure (\`bench/hand_procedure.sh\`) | $(row_of hand) |"
    echo "| floor (\`bench/floor.sh\`) | $(row_of floor) |"
    echo "| the whole-year timeline's rows read by \`sqlite3\` alone ($(sqlite3 "$db" "$floor_sql" | wc -l) rows) | $(row_of timeline-floor) |"
    echo
    hand_wall=$(median_wall hand) floor_wall=$(median_wall floor)
    for side in "${sides[@]}"; do
        echo "- $side: first snapshot $(ratio "$hand_wall" "$(median_wall "first-$side")")x faster than the hand procedure"
        echo "  (target ≥5x), nightly $(ratio "$(median_wall "nightly-$side")" "$floor_wall")x the floor (target ≤2x);"
        echo "  import of the first snapshot's bundle $(ratio "$(median_wall "import-first-$side")" "$(median_wall "first-$side")")x the first snapshot's time;"
        echo "  whole-year timeline $(ratio "$(median_wall "timeline-$side")" "$(median_wall timeline-floor)")x the \`sqlite3\` floor;"
        echo "  database of the first snapshot $(size_of "first-$side.db") bytes."
    done
    echo "- The changing year's database (each build reads a copy of it): $(stat -c %s "$db") bytes, $last_id snapshots."
    for side in "${sides[@]}"; do
        echo "- $side: the year brought to its schema by \`forensic migrate\`: ${migration[$side]:-nothing to do};"
        echo "  ${year_size[$side]} bytes after, ${vacuumed_size[$side]} once vacuumed."
    done
    sqlite3 "${year[after]}" 'SELECT snapshot_id, source, subject, key, value, event_time FROM fact_state
        WHERE snapshot_id = 1 ORDER BY 1, 2, 3, 4' >year-after-first.state
    echo "- The year's first night, as the build after reads it from the bundle the build before wrote, and as its"
    echo "  migration of the year holds it: $(same import-first-after.state year-after-first.state)."
} >"$results/compare.md"
