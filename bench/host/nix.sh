#!/usr/bin/env bash
# Nix generations 1..COUNT under ROOT, laid out as Nix lays them out:
# system-N-link → /nix/store/<hash>-nixos-system-*, sw → system-path,
# bin/abra → an abra package; abra changes every 50 generations, as on a
# long-lived CI host. Generations already there are kept; a new one's link
# gets the mtime given (default: one an hour from 2024-06-01).
# Usage: host/nix.sh ROOT COUNT [EPOCH-SECONDS]
set -euo pipefail
root=$1
count=$2
mtime=${3:-}
hash() { printf '%s' "$1" | sha256sum | tr -d -c '0-9a-d' | tr 'abcd' 'fghi' | cut -c1-32; }
profiles=$root/nix/var/nix/profiles
mkdir -p "$profiles" "$root/nix/store" "$root/run"
for ((n = 1; n <= count; n++)); do
    sys=/nix/store/$(hash "sys-$n")-nixos-system-cc-ci-24.05.$n
    [[ -L $profiles/system-$n-link ]] && continue
    version="0.$((n / 50 + 10)).0-beta"
    abra=/nix/store/$(hash "abra-$version")-abra-$version
    if [[ ! -e $root$abra ]]; then
        mkdir -p "$root$abra/bin"
        printf '#!/bin/sh\necho abra version %s\n' "$version" >"$root$abra/bin/abra"
    fi
    sw=/nix/store/$(hash "sw-$n")-system-path
    mkdir -p "$root$sw/bin" "$root$sys"
    ln -sfn "$abra/bin/abra" "$root$sw/bin/abra"
    ln -sfn "$sw" "$root$sys/sw"
    ln -sfn "$sys" "$profiles/system-$n-link"
    touch -h -d "@${mtime:-$((1717200000 + n * 3600))}" "$profiles/system-$n-link"
done
ln -sfn "system-$count-link" "$profiles/system"
ln -sfn "$sys" "$root/run/current-system"
