#!/usr/bin/env bash
# The Debian package, built from this source as a distribution builds it
# (dpkg-buildpackage -us -uc -b, debian/): lintian finds no error and no
# unexplained warning; it holds the files `meson install` installs and only
# Debian's own besides (package_files.py); every unit meson installs is
# handled by dh_installsystemd; its binary passes hardening-check; and
# installed into a scratch root (dpkg -x), it runs the main job as the build
# tree's binary does.
# Usage: package_test.sh BUILD (the build whose meson install is compared).
# The package is built without its test suites (DEB_BUILD_OPTIONS=nocheck,
# unless DEB_BUILD_OPTIONS is given): the README's test command runs them in
# the same run. Warnings are errors, as in every build of the project's own.
set -euo pipefail
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND exited $?" >&2' ERR
build=$(cd "$1" && pwd)
source_root=${FORENSIC_SOURCE_ROOT:?run through meson test}
here=$source_root/tests
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in dpkg-buildpackage dh lintian hardening-check git; do
    command -v "$tool" > /dev/null || fail "$tool not found: the README's set-up command installs it"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 022 # the modes a package build and meson install give, compared below

version=$(dpkg-parsechangelog -l "$source_root/debian/changelog" -S Version)
project_version=$(meson introspect "$build" --projectinfo | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
[ "${version%-*}" = "$project_version" ] ||
    fail "debian/changelog is at $version, meson.build's project version is $project_version"

# A newcomer's machine has what the package build needs: the README's set-up
# command installs every build dependency.
python3 - "$source_root/debian/control" "$source_root/README.md" << 'EOF' || fail "build dependencies the README's set-up command does not install"
import re, sys
control, readme = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
field = re.search(r"^Build-Depends:(.*(?:\n[ \t].*)*)", control, re.M).group(1)
needed = {re.split(r"[\s:(<\[]", alt.strip())[0] for dep in field.split(",") if dep.strip()
          for alt in dep.split("|")[:1]} - {"debhelper-compat"} | {"debhelper", "build-essential"}
setup = readme.split("<!-- setup-command -->", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
installed = set(re.search(r"apt-get install -y ([^&]*)", setup).group(1).split())
missing = sorted(needed - installed)
if missing:
    sys.exit("not in the README's apt-get line: " + " ".join(missing))
EOF

# The source as committed or changed in the working tree, never a build tree.
git -C "$source_root" rev-parse --git-dir > /dev/null 2>&1 || fail "$source_root is not a git checkout"
src=$work/forensic-$project_version
mkdir "$src"
(cd "$source_root" && git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2> /dev/null) | tar -C "$src" -xf -

start=$SECONDS
(cd "$src" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS-"nocheck parallel=$(nproc)"} DEB_CXXFLAGS_APPEND=-Werror \
    dpkg-buildpackage -us -uc -b > "$work/build.log" 2>&1) ||
    { tail -n 60 "$work/build.log" >&2; fail "dpkg-buildpackage failed (the log's end above)"; }
echo "dpkg-buildpackage -us -uc -b: $((SECONDS - start)) s (DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS-"nocheck parallel=$(nproc)"})"
deb=$work/forensic_${version}_$(dpkg-architecture -qDEB_HOST_ARCH).deb
[ -f "$deb" ] || fail "no $(basename "$deb"): $(ls "$work")"

lint=$(lintian --fail-on error,warning "$work"/forensic_"$version"_*.changes 2> "$work/lintian.err") ||
    fail "lintian: $lint $(cat "$work/lintian.err")"
echo "lintian: ${lint:-no errors, no warnings}"

# What meson install installs: of the package's own build tree, and of the
# user's build (where its prefix and unit directory say).
meson install -C "$src"/obj-* --destdir "$work/meson" --no-rebuild > /dev/null
meson install -C "$build" --destdir "$work/user" --no-rebuild > /dev/null
options=$(meson introspect "$build" --buildoptions)
option() { python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1" <<< "$options"; }
prefix=$(option prefix)
user_units=$(option systemdsystemunitdir)
user_units=${user_units:-$prefix/lib/systemd/system}
unitdir=$(dpkg-deb -c "$deb" | grep -o '\./[^ ]*/systemd/system/$' | head -n 1 | sed 's|^\.||; s|/$||')
[ -n "$unitdir" ] || fail "the package holds no systemd units"
python3 "$here/package_files.py" "$deb" "$work/meson" "$work/user" "$prefix" "$user_units" "$unitdir"
# The comparison has teeth: the package with its state directory at 0755 and
# a file meson does not install fails it, and says so.
dpkg-deb -R "$deb" "$work/bad"
chmod 0755 "$work/bad/var/lib/forensic"
touch "$work/bad/usr/share/doc/forensic/stray"
dpkg-deb --root-owner-group -b "$work/bad" "$work/bad.deb" > /dev/null
if python3 "$here/package_files.py" "$work/bad.deb" "$work/meson" "$work/user" "$prefix" "$user_units" "$unitdir" \
    > "$work/bad.out" 2>&1; then
    fail "package_files.py accepted a package with a stray file and a 0755 state directory"
fi
grep -q 'FAIL: usr/share/doc/forensic/stray: in the package, not installed by meson$' "$work/bad.out" &&
    grep -q 'FAIL: var/lib/forensic: mode 0755 in the package, 0750 from meson install' "$work/bad.out" ||
    fail "package_files.py did not name what is wrong: $(grep FAIL "$work/bad.out")"

# Every unit is handled the Debian way: one with an [Install] section is
# enabled and started by the postinst; one without (started by its timer) is
# left alone, never started inside dpkg. Says what is wrong, or nothing.
units_handled() { # CONTROL ROOT
    local unit name
    for unit in "$2$unitdir"/*; do
        name=$(basename "$unit")
        if grep -q '^\[Install\]' "$unit"; then
            grep -q "deb-systemd-helper enable '$name'" "$1/postinst" || echo "the postinst does not enable $name"
            grep -q "deb-systemd-invoke \$_dh_action .*'$name'" "$1/postinst" || echo "the postinst does not start $name"
            grep -q "'$name'" "$1/postrm" || echo "the postrm does not purge $name's state"
        elif grep -q "'$name'" "$1/postinst"; then
            echo "the postinst touches $name, which has no [Install] section"
        fi
    done
}
dpkg-deb -e "$deb" "$work/control"
root=$work/root
dpkg -x "$deb" "$root"
wrong=$(units_handled "$work/control" "$root")
[ -z "$wrong" ] || fail "$wrong"
echo "units: $(ls "$root$unitdir" | wc -w), each enabled and started or left to its timer by dh_installsystemd"
# The unit check has teeth: a postinst that does not start the timer fails it.
cp -r "$work/control" "$work/bad-control"
sed -i "/deb-systemd-invoke/d" "$work/bad-control/postinst"
# (Read whole, not piped into grep -q: its early exit would end the check
# with SIGPIPE while it names the next unit.)
wrong=$(units_handled "$work/bad-control" "$root")
grep -q 'does not start forensic-snapshot.timer' <<<"$wrong" ||
    fail "a postinst that does not start the timer passed the unit check"

[ "$(stat -c %a "$root/var/lib/forensic")" = 750 ] ||
    fail "/var/lib/forensic is installed with mode $(stat -c %a "$root/var/lib/forensic"), not 0750"

# Control-flow integrity (CET) is no check for Debian 12: its C library's
# start files (Scrt1.o, crti.o) carry no IBT/SHSTK property, so the linker
# gives none to any program, and its dpkg-buildflags do not ask for it.
hardening-check --nocfprotection "$root/usr/bin/forensic" || fail "hardening-check: $root/usr/bin/forensic"

# The installed command, from the scratch root: its version, and the main job,
# which says what the build tree's binary says.
[ "$("$root/usr/bin/forensic" --version)" = "forensic $project_version" ] ||
    fail "installed forensic --version: $("$root/usr/bin/forensic" --version)"
"$source_root/snapshots/run-demo" "$root/usr/bin/forensic" > "$work/demo.installed" ||
    fail "run-demo with the installed binary"
"$source_root/snapshots/run-demo" "${FORENSIC_BIN:-$build/tools/forensic}" > "$work/demo.built"
diff -u "$work/demo.built" "$work/demo.installed" || fail "the installed binary's demo differs from the build's"
grep -q 'swarm-rollback' "$work/demo.installed" || fail "the demo's verdict is missing"
echo "package: $(basename "$deb") builds, passes lintian and hardening-check, installs what meson install does, runs the demo"
