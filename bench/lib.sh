# Sourced by every bench script: the size's parameters, the paths, the
# environment both sides run in, and the timing helpers. bench/run exports
# BENCH_SIZE (full | smoke), FORENSIC_BUILD and BENCH_WORK.
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
size=${BENCH_SIZE:-full}
build=${FORENSIC_BUILD:-$bench/../build}
forensic=$build/tools/forensic
collect_only=$build/bench/collect_only

# recipes x tags, nix generations, swarm services, CI runs, nights in a year,
# CI runs per night in the changing year (each checks out, deploys, records).
case $size in
full) recipes=200 tags=300 generations=300 services=500 runs=1000 nights=365 night_runs=60 repeats=5 ;;
smoke) recipes=4 tags=10 generations=10 services=10 runs=20 nights=6 night_runs=2 repeats=5 ;;
*) echo "unknown size '$size' (full or smoke)" >&2; exit 2 ;;
esac
# Fewer rounds when the machine is too busy for the full count (the report says how many).
repeats=${BENCH_REPEATS:-$repeats}

work=${BENCH_WORK:-$bench/work}/$size
template=$work/template     # the one recipe history every checkout copies
host=$work/host             # the synthetic host's root (--root)
home=/home/ci
abra=$host$home/.abra
mirrors=$work/mirrors       # bare mirrors on this machine: named by --mirror-url (origin's local paths are the host's)
inspect=$work/inspect.json  # the saved `docker service inspect` array
runs_dir=/var/lib/ci-runs
results=$work/results       # timings and report sections of this size
year_start=2025-01-01T03:00:00Z
# The Python generators (host/*.py) read the same parameters.
export recipes tags generations services runs night_runs template host home abra mirrors inspect runs_dir

# Neither side may see this machine's git config; every time is UTC.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TZ=UTC LC_ALL=C PYTHONDONTWRITEBYTECODE=1
export GIT_AUTHOR_NAME=CI GIT_AUTHOR_EMAIL=ci@example.org GIT_COMMITTER_NAME=CI GIT_COMMITTER_EMAIL=ci@example.org

# The snapshot of the whole host, as the nightly timer would take it.
snapshot_args() {
    echo --root "$host" --home "$home" --host bench-ci --runs-dir "$runs_dir" --docker-json "$inspect" \
        --mirror-url "$mirrors/{recipe}.git"
}

# The RFC 3339 time of night N (0-based) of the year.
night_time() {
    date -u -d "@$(($(date -u -d "$year_start" +%s) + $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ
}

# sample NAME COMMAND...: runs COMMAND once (output discarded) and appends
# "wall cpu rss_kib" to $results/NAME.times. Jobs take turns between the
# commands they compare, so a change in the machine's load hits all alike.
sample() {
    local name=$1 out
    shift
    out=$(mktemp)
    if ! /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>"$results/$name.stderr"; then
        echo "$name failed:" >&2
        cat "$results/$name.stderr" "$out" >&2
        rm -f "$out"
        return 1
    fi
    tail -n1 "$out" | awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }' >>"$results/$name.times"
    rm -f "$out"
}

# stat_of NAME FIELD: "median min max" of column FIELD (1 wall s, 2 cpu s, 3 rss KiB).
stat_of() {
    awk -v f="$2" '{ print $f }' "$results/$1.times" | sort -g |
        awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}

# A table row for NAME: median wall, min-max, median cpu, peak RSS (MiB, the
# largest of the runs).
row_of() {
    local wall cpu rss
    read -r -a wall < <(stat_of "$1" 1)
    read -r -a cpu < <(stat_of "$1" 2)
    read -r -a rss < <(stat_of "$1" 3)
    printf '%.3f | %.3f–%.3f | %.3f | %.0f' "${wall[0]}" "${wall[1]}" "${wall[2]}" "${cpu[0]}" "$(echo "${rss[2]} / 1024" | bc -l)"
}

# ratio A B: A / B to one decimal.
ratio() { printf '%.1f' "$(echo "$1 / $2" | bc -l)"; }
median_wall() { stat_of "$1" 1 | cut -d' ' -f1; }

# analysis_commands DB: the analysis commands of jobs/analysis.sh and
# jobs/compare.sh on the changing year's database, as `command[NAME]` (the
# words after `forensic`) in the order of `analyses`: the diff of its first
# and last snapshots, the whole year's timeline and one recipe's, attribute
# of the year's last HC1 failure, blast-radius of every recipe.
analysis_commands() {
    local db=$1 first last from to run recipe
    first=$(sqlite3 "$db" 'SELECT min(id) FROM snapshot') last=$(sqlite3 "$db" 'SELECT max(id) FROM snapshot')
    from=${year_start%%T*} to=$(night_time $((nights - 1)) | cut -dT -f1)
    run=$(sqlite3 "$db" "SELECT substr(k.subject, 5) FROM fact f JOIN fact_key k ON k.id = f.key_id
                         WHERE k.source = 'runs' AND k.key = 'hc1.observed' ORDER BY f.event_time DESC LIMIT 1")
    recipe=$(sqlite3 "$db" "SELECT f.value FROM fact f JOIN fact_key k ON k.id = f.key_id
                            WHERE k.source = 'runs' AND k.subject = 'run/$run' AND k.key = 'recipe' LIMIT 1")
    [[ -n $run && -n $recipe ]] || { echo "no HC1 failure in $db" >&2; return 1; }
    declare -gA command=(
        [diff]="diff $first $last"
        [timeline]="timeline --from $from --to $to"
        [timeline-recipe]="timeline --from $from --to $to --recipe $recipe"
        [attribute]="attribute --recipe $recipe --run $run"
        [blast-radius]="blast-radius"
    )
    analyses=(diff timeline timeline-recipe attribute blast-radius)
}
