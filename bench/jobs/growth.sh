#!/usr/bin/env bash
# Job 3: the database over a year of nightly snapshots, --at 03:00 each
# night: size after the first, after $nights unchanged nights (target: ≤4 KiB
# a night), and after $nights nights in which the host changes as a busy CI
# host does (host/night.py, on a copy of the host). Each night's snapshot is
# timed. Leaves $work/year-changing.db for jobs/analysis.sh; writes
# $results/growth.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$work"

size_of() {
    sqlite3 "$1" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
    stat -c %s "$1"
}

# year NAME: $nights snapshots into NAME.db, calling host/night.py before
# each but the first when NAME is "changing"; records NAME.first-size.
year() {
    local name=$1 db=$work/year-$1.db i at
    rm -f "$db" "$db-wal" "$db-shm" "$results/night-$name.times"
    for ((i = 0; i < nights; i++)); do
        at=$(night_time "$i")
        [[ $name == changing && $i -gt 0 ]] && python3 "$bench/host/night.py" "$i" "$(date -u -d "$at" +%s)"
        sample "night-$name" "$forensic" snapshot --db "$db" $(snapshot_args) --at "$at"
        ((i == 0)) && size_of "$db" >"$results/$name.first-size"
        ((i % 30 == 29)) && echo "growth: $name night $((i + 1)) of $nights" >&2
    done
    true
}

year unchanged

# The changing year runs on a copy of the host, its checkouts' origin the copied mirrors.
rm -rf year && mkdir year
cp -a "$host" year/host && cp -a "$mirrors" year/mirrors && cp "$inspect" year/inspect.json
host=$work/year/host abra=$work/year/host$home/.abra mirrors=$work/year/mirrors inspect=$work/year/inspect.json
export host abra mirrors inspect
for dir in "$abra"/recipes/*; do git -C "$dir" config remote.origin.url "$mirrors/$(basename "$dir").git"; done
year changing

per_night() { echo "($2 - $1) / ($nights - 1)" | bc; }
{
    echo "## 3. Database growth over a year of nightly snapshots"
    echo
    echo "| year | facts current at the end | size after 1 snapshot (bytes) | after $nights (bytes) | per night (bytes) | intervals opened / closed per night (mean) | snapshot wall per night, median (min–max) s | peak RSS (MiB) |"
    echo "|---|---|---|---|---|---|---|---|"
    for name in unchanged changing; do
        db=year-$name.db
        first=$(cat "$results/$name.first-size") last=$(size_of "$db")
        current=$(sqlite3 "$db" 'SELECT count(*) FROM fact WHERE valid_to IS NULL')
        churn=$(sqlite3 "$db" "SELECT printf('%.0f / %.0f (%.2f%% of the facts opened)', avg(o), avg(c), 100.0 * avg(o) / $current)
            FROM (SELECT r.snapshot_id, sum(r.opened) AS o, sum(r.closed) AS c FROM collector_run r
                  WHERE r.snapshot_id <> (SELECT min(id) FROM snapshot) GROUP BY r.snapshot_id)")
        read -r -a wall < <(stat_of "night-$name" 1)
        read -r -a rss < <(stat_of "night-$name" 3)
        printf '| %s | %s | %s | %s | %s | %s | %.2f (%.2f–%.2f) | %.0f |\n' "$name" "$current" "$first" "$last" \
            "$(per_night "$first" "$last")" "$churn" "${wall[0]}" "${wall[1]}" "${wall[2]}" "$(echo "${rss[2]} / 1024" | bc -l)"
    done
    echo
    echo "Target: an unchanged night adds ≤4 KiB (4096 bytes). Sizes are of the database file after"
    echo "\`PRAGMA wal_checkpoint(TRUNCATE)\`. The changing year: each night before the snapshot,"
    echo "\`bench/host/night.py\` makes $night_runs CI runs (a checkout moved, the app redeployed with a"
    echo "chaos stamp — one in ten rolled back by Swarm — results written, the oldest run pruned), new"
    echo "releases on mirrors fetched into checkouts and the catalogue, a mirror tag re-pointed every third"
    echo "night and a Nix generation added every seventh."
} >"$results/growth.md"
