#!/usr/bin/env bash
# Benchmark: `forensic snapshot --only recipes,mirrors` against the same
# reading done with the git CLI, on a synthetic CI host of RECIPES checkouts
# with TAGS annotated release tags each (packed refs and objects, a HEAD
# reflog, remote-tracking refs, FETCH_HEAD, an untracked overlay file in every
# other checkout) and a local bare mirror per recipe.
#
# Usage: bench/git_collectors.sh [RECIPES [TAGS [RUNS]]]   (default 200 300 5)
#   FORENSIC_BIN      the forensic binary (default build/tools/forensic)
#   COLLECT_ONLY_BIN  the collection-only helper (default build/bench/collect_only)
#   RESULTS       where to write the report (default bench/results/git_collectors.md;
#                 the default report is only written for the full 200 x 300 size)
#
# Everything is built under bench/work/ (gitignored) and reused when present.
set -euo pipefail

recipes=${1:-200}
tags=${2:-300}
runs=${3:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
forensic=${FORENSIC_BIN:-$top/build/tools/forensic}
collect_only=${COLLECT_ONLY_BIN:-$(dirname "$(dirname "$forensic")")/bench/collect_only}
work=$here/work/git_collectors-${recipes}x${tags}
host=$work/host
recipes_dir=$host/home/ci/.abra/recipes
mirrors_dir=$host/srv/mirrors
default_results=$here/results/git_collectors.md
if [[ -z ${RESULTS:-} && ( $recipes != 200 || $tags != 300 ) ]]; then
    results=$work/results.md
else
    results=${RESULTS:-$default_results}
fi

# The machine's own git config must not change what either side sees.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TZ=UTC LC_ALL=C
export GIT_AUTHOR_NAME=CI GIT_AUTHOR_EMAIL=ci@example.org GIT_COMMITTER_NAME=CI GIT_COMMITTER_EMAIL=ci@example.org

for bin in "$forensic" "$collect_only"; do
    [[ -x $bin ]] || { echo "no $bin (build first, or set FORENSIC_BIN / COLLECT_ONLY_BIN)" >&2; exit 2; }
done

# One recipe history through git fast-import: 3 commits per release, an
# annotated tag <n>.0.0+1.<n> on every third commit, 5 commits of work past
# the newest release.
fast_import_stream() {
    local t0=1767225600 commits=$((tags * 3 + 5)) i
    for ((i = 1; i <= commits; i++)); do
        printf 'commit refs/heads/main\nmark :%d\ncommitter CI <ci@example.org> %d +0000\ndata 7\ncommit\n' "$i" $((t0 + i * 600))
        printf 'M 644 inline compose.yml\ndata <<EOF\nversion: %d\nEOF\n' "$i"
        if ((i % 3 == 0 && i / 3 <= tags)); then
            printf 'tag %d.0.0+1.%d\nfrom :%d\ntagger CI <ci@example.org> %d +0000\ndata 8\nrelease\n' \
                $((i / 3)) $((i / 3)) "$i" $((t0 + i * 600 + 60))
        fi
    done
}

# 60 HEAD reflog entries: checkouts back and forth, as a CI host leaves them.
write_reflog() {
    local repo=$1 head prev t=1780293600 k
    head=$(git -C "$repo" rev-parse HEAD)
    prev=$(git -C "$repo" rev-parse HEAD~3)
    mkdir -p "$repo/.git/logs"
    for ((k = 0; k < 30; k++)); do
        printf '%s %s CI <ci@example.org> %d +0000\tcheckout: moving from main to %s\n' "$head" "$prev" $((t + k * 120)) "$prev"
        printf '%s %s CI <ci@example.org> %d +0000\tcheckout: moving from %s to main\n' "$prev" "$head" $((t + k * 120 + 60)) "$prev"
    done >"$repo/.git/logs/HEAD"
}

build_host() {
    local template=$work/template mirror=$work/template-mirror.git i name
    echo "building $recipes recipes x $tags tags under $work" >&2
    rm -rf "$work"
    mkdir -p "$recipes_dir" "$mirrors_dir"
    git init -q -b main "$template"
    fast_import_stream | git -C "$template" fast-import --quiet
    git -C "$template" reset -q --hard main
    git clone -q --bare "$template" "$mirror"
    git -C "$mirror" repack -adq
    git -C "$mirror" pack-refs --all
    git -C "$template" remote add origin "$mirror"
    git -C "$template" fetch -q origin
    git -C "$template" repack -adq
    git -C "$template" pack-refs --all
    write_reflog "$template"
    for ((i = 0; i < recipes; i++)); do
        name=$(printf 'recipe%03d' "$i")
        cp -a "$template" "$recipes_dir/$name"
        cp -a "$mirror" "$mirrors_dir/$name.git"
        git -C "$recipes_dir/$name" config remote.origin.url "$mirrors_dir/$name.git"
        # The copy has new inodes: refresh the index once, so neither side
        # re-hashes the work tree on every run.
        git -C "$recipes_dir/$name" update-index -q --refresh
        ((i % 2)) && echo "services: {}" >"$recipes_dir/$name/compose.ccci.yml"
    done
    touch "$work/.complete"
}

# The git CLI doing the same reading, one recipe after another, as a shell
# script would: describe, every ref, the HEAD reflog, status, the mirror.
git_cli_pass() {
    local dir url
    for dir in "$recipes_dir"/*/; do
        dir=${dir%/}
        git -C "$dir" describe --tags --long --abbrev=8 || true
        git -C "$dir" for-each-ref --format='%(refname) %(objectname) %(*objectname) %(taggerdate:iso-strict)'
        git -C "$dir" reflog --date=iso-strict
        git -C "$dir" --no-optional-locks status --porcelain --untracked-files=all
        url=$(git -C "$dir" config remote.origin.url)
        git ls-remote "$url"
        cat "$dir/.git/FETCH_HEAD"
    done
}

# The snapshot a CI host takes every night: the database already holds the
# previous one, so unchanged facts are compared, not inserted.
forensic_snapshot() {
    "$forensic" snapshot --db "$work/steady.db" --root "$host" --home /home/ci --host bench \
        --only recipes,mirrors
}

# The very first snapshot: every fact inserted into a new database.
forensic_first_snapshot() {
    rm -f "$work/first.db" "$work/first.db-wal" "$work/first.db-shm"
    "$forensic" snapshot --db "$work/first.db" --root "$host" --home /home/ci --host bench \
        --only recipes,mirrors
}

# Collection alone, as forensic snapshot runs it, without the store.
forensic_collection() {
    "$collect_only" "$host" /home/ci recipes,mirrors
}

export -f git_cli_pass forensic_snapshot forensic_first_snapshot forensic_collection
export recipes_dir work host forensic collect_only

# "<wall seconds> <cpu seconds>" of one run of the named function.
measure() {
    local out
    out=$(mktemp)
    /usr/bin/time -f '%e %U %S' -o "$out" bash -c "$1" >/dev/null 2>&1
    awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$out"
    rm -f "$out"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

[[ -e $work/.complete ]] || build_host

# Both sides must see the same host: a sanity check on one recipe.
probe=$recipes_dir/recipe001
"$forensic" snapshot --db "$work/probe.db" --root "$host" --home /home/ci --host probe --only recipes >/dev/null
expected=$(git -C "$probe" describe --tags --long --abbrev=8)
got=$("$forensic" show --db "$work/probe.db" --source recipes --subject recipe001 | awk '$1 == "describe" { print $2 }')
rm -f "$work/probe.db"*
[[ $got == "$expected" ]] || { echo "describe differs: forensic '$got', git '$expected'" >&2; exit 1; }

fact_count=$("$collect_only" "$host" /home/ci recipes,mirrors | awk '{ print $1 }')
methods=(git_cli_pass forensic_snapshot forensic_collection forensic_first_snapshot)
declare -A label=(
    [git_cli_pass]="git CLI script"
    [forensic_snapshot]="forensic snapshot, nightly (database holds the previous snapshot)"
    [forensic_collection]="forensic collection alone (no store)"
    [forensic_first_snapshot]="forensic snapshot, first (new database)"
)
declare -A walls cpus
# Warm the page cache and the nightly database, then take turns.
for m in "${methods[@]}"; do bash -c "$m" >/dev/null 2>&1; done
for ((r = 1; r <= runs; r++)); do
    line="run $r:"
    for m in "${methods[@]}"; do
        read -r wall cpu < <(measure "$m")
        walls[$m]+="$wall " cpus[$m]+="$cpu "
        line+=" $m $wall s ($cpu s cpu);"
    done
    echo "$line" >&2
done
median_of() { tr ' ' '\n' <<<"$1" | grep . | median; }
declare -A wall_median cpu_median
for m in "${methods[@]}"; do
    wall_median[$m]=$(median_of "${walls[$m]}")
    cpu_median[$m]=$(median_of "${cpus[$m]}")
done
ratio() { echo "${wall_median[git_cli_pass]} / ${wall_median[$1]}" | bc -l; }
for m in "${methods[@]}"; do
    printf '%-24s median %7.3f s wall, %7.3f s cpu, ratio %5.1fx\n' "$m" "${wall_median[$m]}" "${cpu_median[$m]}" "$(ratio "$m")"
done

mkdir -p "$(dirname "$results")"
# A hand-written "## Analysis" section at the end of the report survives reruns.
analysis=""
[[ -f $results ]] && analysis=$(sed -n '/^## Analysis/,$p' "$results")
{
    echo "# git collectors benchmark"
    echo
    echo "\`bench/git_collectors.sh $recipes $tags $runs\`, $(date -u +%Y-%m-%d): a synthetic CI host of $recipes recipe"
    echo "checkouts x $tags annotated release tags (packed refs and objects, 60 HEAD reflog entries,"
    echo "remote-tracking refs, FETCH_HEAD, an untracked overlay in every other checkout) and a local bare mirror"
    echo "per recipe. $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
    echo "$(git --version), libgit2 $(pkg-config --modversion libgit2 2>/dev/null || echo '?'); load average"
    echo "when done: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "- git CLI script, per recipe: \`describe --tags --long --abbrev=8\`, \`for-each-ref\` (with"
    echo "  peeled ids and tagger dates), \`reflog\`, \`--no-optional-locks status --porcelain\`,"
    echo "  \`ls-remote <mirror>\`, FETCH_HEAD read; one recipe after another."
    echo "- forensic: \`forensic snapshot --only recipes,mirrors\` ($fact_count facts per snapshot);"
    echo "  collection alone is \`build/bench/collect_only\`, the same collectors without the store."
    echo
    echo "| | median wall (s) | median cpu (s) | git CLI / this (wall) | wall per run (s) |"
    echo "|---|---|---|---|---|"
    for m in "${methods[@]}"; do
        printf '| %s | %.3f | %.3f | %.1fx | %s|\n' "${label[$m]}" "${wall_median[$m]}" "${cpu_median[$m]}" \
            "$(ratio "$m")" "${walls[$m]}"
    done
    if [[ -n $analysis ]]; then
        echo
        echo "$analysis"
    fi
} >"$results"
echo "report: $results" >&2
