#!/usr/bin/env bash
# The recipe checkouts and their mirrors: $recipes copies of one history with
# $tags annotated release tags (3 commits per release, 5 commits of work past
# the newest), packed refs and objects, 60 HEAD reflog entries, remote-tracking
# refs and FETCH_HEAD, an untracked overlay in every other checkout (abra's
# +U), and a local bare mirror per recipe as origin.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# History dated in January 2024, before the benchmark's year.
fast_import_stream() {
    local t0=1704067200 commits=$((tags * 3 + 5)) i
    for ((i = 1; i <= commits; i++)); do
        printf 'commit refs/heads/main\nmark :%d\ncommitter CI <ci@example.org> %d +0000\ndata 7\ncommit\n' "$i" $((t0 + i * 600))
        printf 'M 644 inline compose.yml\ndata <<EOF\nversion: %d\nEOF\n' "$i"
        if ((i % 3 == 0 && i / 3 <= tags)); then
            printf 'tag %d.0.0+1.%d\nfrom :%d\ntagger CI <ci@example.org> %d +0000\ndata 8\nrelease\n' \
                $((i / 3)) $((i / 3)) "$i" $((t0 + i * 600 + 60))
        fi
    done
}

# Checkouts back and forth in December 2024, as a CI host leaves them.
write_reflog() {
    local repo=$1 head prev t=1733011200 k
    head=$(git -C "$repo" rev-parse HEAD)
    prev=$(git -C "$repo" rev-parse HEAD~3)
    mkdir -p "$repo/.git/logs"
    for ((k = 0; k < 30; k++)); do
        printf '%s %s CI <ci@example.org> %d +0000\tcheckout: moving from main to %s\n' "$head" "$prev" $((t + k * 120)) "$prev"
        printf '%s %s CI <ci@example.org> %d +0000\tcheckout: moving from %s to main\n' "$prev" "$head" $((t + k * 120 + 60)) "$prev"
    done >"$repo/.git/logs/HEAD"
}

mirror=$work/template-mirror.git
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
touch -d @1733011200 "$template/.git/FETCH_HEAD" "$template/.git/ORIG_HEAD"
mkdir -p "$abra/recipes" "$mirrors"
for ((i = 0; i < recipes; i++)); do
    name=$(printf 'recipe%03d' "$i")
    cp -a "$template" "$abra/recipes/$name"
    cp -a "$mirror" "$mirrors/$name.git"
    git -C "$abra/recipes/$name" config remote.origin.url "$mirrors/$name.git"
    # The copy has new inodes: refresh the index once, so neither side
    # re-hashes the work tree on every run.
    git -C "$abra/recipes/$name" update-index -q --refresh
    ((i % 2)) && echo "services: {}" >"$abra/recipes/$name/compose.ccci.yml"
done
rm -rf "$mirror"
