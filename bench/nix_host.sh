#!/usr/bin/env bash
# Builds a synthetic NixOS host under $1 with $2 system generations, laid out
# as Nix lays them out: system-N-link → /nix/store/<hash>-nixos-system-*,
# sw → system-path, bin/abra → an abra package. abra changes every 50
# generations, so the host looks like a long-lived CI host.
set -euo pipefail
root=$1
count=${2:-300}
hash() { printf '%s' "$1" | sha256sum | tr -d -c '0-9a-d' | tr 'abcd' 'fghi' | cut -c1-32; }
profiles=$root/nix/var/nix/profiles
mkdir -p "$profiles" "$root/nix/store" "$root/run"
for ((n = 1; n <= count; n++)); do
    version="0.$((n / 50 + 10)).0-beta"
    abra=/nix/store/$(hash "abra-$version")-abra-$version
    if [ ! -e "$root$abra" ]; then
        mkdir -p "$root$abra/bin"
        printf '#!/bin/sh\necho abra version %s\n' "$version" > "$root$abra/bin/abra"
    fi
    sw=/nix/store/$(hash "sw-$n")-system-path
    mkdir -p "$root$sw/bin"
    ln -sfn "$abra/bin/abra" "$root$sw/bin/abra"
    sys=/nix/store/$(hash "sys-$n")-nixos-system-cc-ci-24.05.$n
    mkdir -p "$root$sys"
    ln -sfn "$sw" "$root$sys/sw"
    ln -sfn "$sys" "$profiles/system-$n-link"
    touch -h -d "@$((1717200000 + n * 3600))" "$profiles/system-$n-link"
done
ln -sfn "system-$count-link" "$profiles/system"
ln -sfn "$sys" "$root/run/current-system"
