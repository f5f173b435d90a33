#!/usr/bin/env bash
# The seeds' hand procedure over the whole synthetic host, as a shell script
# would do it: readlink -f per generation, git describe / for-each-ref /
# reflog / status / ls-remote per recipe, jq over the catalogue, the inspect
# JSON and every results.json, grep over the app env files. Run by
# jobs/snapshot.sh in a private mount namespace with the host's /nix bound on
# /nix, so absolute store links resolve as they do on the real host (this
# machine's own /nix is hidden there, never touched).
# Usage: hand_procedure.sh [all|git]   (git: the recipes and mirrors only)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nix_part() {
    for g in /nix/var/nix/profiles/system-*-link; do
        readlink -f "$g"
        readlink -f "$g/sw/bin/abra"
    done
    ls -l --time-style=+%s /nix/var/nix/profiles # the generations' creation times
    readlink -f "$host/run/current-system"
    sha256sum "$(readlink -f "$host/run/current-system/sw/bin/abra")"
}

git_part() {
    for dir in "$abra"/recipes/*/; do
        git -C "$dir" describe --tags --long --abbrev=8 || true
        git -C "$dir" for-each-ref --format='%(refname) %(objectname) %(*objectname) %(taggerdate:iso-strict)'
        git -C "$dir" reflog --date=iso-strict
        git -C "$dir" --no-optional-locks status --porcelain --untracked-files=all
        git -C "$dir" ls-remote origin
        cat "$dir/.git/FETCH_HEAD" "$dir/.git/ORIG_HEAD"
    done
}

json_part() {
    git -C "$abra/catalogue" log -1 --format='%H %cI'
    jq -r '.[] | .name as $r | .versions[] | to_entries[] | .key as $v | .value | to_entries[]
           | [$r, $v, .key, .value.image, .value.tag, .value.digest] | @tsv' "$abra/catalogue/recipes.json"

    grep -H -E '^(TYPE|RECIPE|DOMAIN)=' "$abra"/servers/*/*.env
    jq -r '.[] | [.Spec.Name, .ID, .Version.Index, .CreatedAt, .UpdatedAt, (.Spec.Labels | tojson),
                  .Spec.TaskTemplate.ContainerSpec.Image, (.PreviousSpec.Labels // {} | tojson),
                  (.UpdateStatus // {} | tojson), (.Spec.UpdateConfig | tojson), (.Spec.RollbackConfig | tojson)]
           | @tsv' "$inspect"
    find "$host$runs_dir" -name results.json -print0 |
        xargs -0 jq -c '{recipe, ref, level, tiers, rungs, failures, started, finished}'
}

git_part
[[ ${1:-all} == git ]] || { nix_part; json_part; }
