#!/usr/bin/env bash
# The floor: read once every file that holds a fact, and every link a
# collector follows, in as few processes as possible — the I/O a snapshot
# cannot avoid, with no parsing. Per checkout: HEAD, config, index,
# packed-refs, loose refs, logs/HEAD, FETCH_HEAD, ORIG_HEAD and the pack
# (index and data: tag objects and the commits describe walks live there; cat
# reads the bytes, it does not inflate them), and a stat of each work tree
# file; per mirror: HEAD, packed-refs, loose refs; the catalogue's files; the
# inspect JSON, the app env files and every results.json; the abra binary;
# every link under the host's /nix and /run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

{
    recipes_dir=$abra/recipes
    find "$recipes_dir"/*/.git -maxdepth 1 -type f \( -name HEAD -o -name config -o -name index \
        -o -name packed-refs -o -name FETCH_HEAD -o -name ORIG_HEAD \) -print0
    find "$recipes_dir"/*/.git/refs "$recipes_dir"/*/.git/logs/HEAD "$recipes_dir"/*/.git/objects/pack -type f -print0
    find "$mirrors"/*.git/HEAD "$mirrors"/*.git/packed-refs "$mirrors"/*.git/refs -type f -print0
    find "$abra/catalogue" "$abra/servers" "$host$runs_dir" -type f -print0
    find "$host/nix/store" -path '*-abra-*/bin/abra' -print0
    printf '%s\0' "$inspect"
} | xargs -0 cat >/dev/null
find "$abra/recipes" -name .git -prune -o -type f -print >/dev/null # the work trees: a stat each
find "$host/nix" "$host/run" -type l -print0 | xargs -0 readlink >/dev/null
