#!/usr/bin/env bash
# Jobs 1 and 2: `forensic snapshot` of the whole host against the hand
# procedure (target: ≥10x faster) and against the floor (target: ≤3x its
# time), nightly (the database holds the previous snapshot) and first (a new
# database); collection alone shows what the store adds. Writes
# $results/snapshot.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$work"

# Both sides must see the same host: forensic's describe is git's.
probe=$abra/recipes/recipe001
"$forensic" snapshot --db probe.db $(snapshot_args) --only recipes >/dev/null
expected=$(git -C "$probe" describe --tags --long --abbrev=8)
got=$("$forensic" show --db probe.db --source recipes --subject recipe001 | awk '$1 == "describe" { print $2 }')
rm -f probe.db*
[[ $got == "$expected" ]] || { echo "describe differs: forensic '$got', git '$expected'" >&2; exit 1; }

hand() { unshare --mount --propagation private bash -c 'mount --bind "$1/nix" /nix && exec "$2"' _ "$host" "$bench/hand_procedure.sh"; }
hand_git() { "$bench/hand_procedure.sh" git; }
first() { rm -f first.db first.db-wal first.db-shm && "$forensic" snapshot --db first.db $(snapshot_args); }
export -f hand hand_git first snapshot_args
export forensic bench
rm -f nightly.db*
"$forensic" snapshot --db nightly.db $(snapshot_args) --at "$year_start" >/dev/null # last night's
rm -f git.db*
"$forensic" snapshot --db git.db $(snapshot_args) --only recipes,mirrors --at "$year_start" >/dev/null
facts=$("$collect_only" "$host" "$home" nix,abra,recipes,mirrors,catalogue,swarm,runs "$runs_dir" "$inspect" "$mirrors/{recipe}.git" | cut -d' ' -f1)

names=(hand floor nightly first collection hand-git nightly-git)
for name in "${names[@]}"; do rm -f "$results/$name.times"; done
for ((round = 1; round <= repeats; round++)); do
    sample hand bash -c hand
    sample floor "$bench/floor.sh"
    sample nightly "$forensic" snapshot --db nightly.db $(snapshot_args)
    sample first bash -c first
    sample collection "$collect_only" "$host" "$home" nix,abra,recipes,mirrors,catalogue,swarm,runs "$runs_dir" "$inspect" "$mirrors/{recipe}.git"
    sample hand-git bash -c hand_git
    sample nightly-git "$forensic" snapshot --db git.db $(snapshot_args) --only recipes,mirrors
    echo "snapshot: round $round of $repeats done" >&2
done

# table HAND NAME...: a row per command, with its ratios to HAND and to the floor.
table() {
    local hand_wall floor_wall name wall
    hand_wall=$(median_wall "$1") floor_wall=$(median_wall floor)
    shift
    echo "| command | median wall (s) | min–max (s) | median cpu (s) | peak RSS (MiB) | hand / this | this / floor |"
    echo "|---|---|---|---|---|---|---|"
    for name in "$@"; do
        wall=$(median_wall "$name")
        echo "| ${label[$name]} | $(row_of "$name") | $(ratio "$hand_wall" "$wall")x | $(ratio "$wall" "$floor_wall")x |"
    done
}
declare -A label=(
    [hand]="hand procedure (\`bench/hand_procedure.sh\`)"
    [floor]="floor (\`bench/floor.sh\`)"
    [nightly]="\`forensic snapshot\`, nightly (database holds the previous snapshot)"
    [first]="\`forensic snapshot\`, first (new database)"
    [collection]="collection alone, no store and so no tag memo: every tag object read (\`build/bench/collect_only\`)"
    [hand-git]="git CLI part of the hand procedure (\`bench/hand_procedure.sh git\`)"
    [nightly-git]="\`forensic snapshot --only recipes,mirrors\`, nightly"
)
{
    echo "## 1–2. Snapshot of the whole host ($facts facts)"
    echo
    table hand hand floor nightly first collection
    echo
    echo "Targets: nightly and first snapshot ≥10x faster than the hand procedure (hand / this ≥ 10);"
    echo "at most 3x the floor (this / floor ≤ 3); peak RSS < 200 MiB. The floor reads the files"
    echo "whole and each link once and parses nothing (see \`bench/floor.sh\` for what and why)."
    echo
    echo "Issue 3's comparison, the recipes and mirrors alone against the git CLI (target ≥10x;"
    echo "the floor column still compares with the whole host's floor):"
    echo
    table hand-git hand-git nightly-git
} >"$results/snapshot.md"
