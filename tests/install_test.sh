#!/usr/bin/env bash
# meson install puts the binary, the man page, the systemd units and their
# state directory where they belong; the units pass systemd-analyze verify
# with the installed binary's path, a broken unit does not, and the man page
# renders without warnings.
set -euo pipefail
# Whatever fails says where, even a command whose output is swallowed.
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND exited $?" >&2' ERR
build=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
# meson reports its errors on standard output: keep it for a failure.
installed=$(meson install -C "$build" --destdir "$dest" --no-rebuild 2>&1) || fail "meson install failed: $installed"
prefix=$(meson introspect "$build" --buildoptions | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
bin=$dest$prefix/bin/forensic
service=$(find "$dest" -name forensic-snapshot.service)
timer=$(find "$dest" -name forensic-snapshot.timer)
watch=$(find "$dest" -name forensic-watch.service)
man=$(find "$dest" -name forensic.1)
[ -x "$bin" ] || fail "no installed binary at $bin"
[ -n "$service" ] && [ -n "$timer" ] && [ -n "$man" ] || fail "units or man page not installed"
grep -q "^ExecStart=$prefix/bin/forensic snapshot --db /var/lib/forensic/forensic.db" "$service" ||
    fail "ExecStart does not name the installed binary: $(grep ExecStart "$service")"
grep -q '^Persistent=true' "$timer" || fail "timer is not persistent"
grep -q '^RandomizedDelaySec=' "$timer" || fail "timer has no randomized delay"
grep -q '^ProtectSystem=strict' "$service" || fail "service is not read-only on the host"
[ -n "$watch" ] || fail "forensic-watch.service not installed"
grep -q "^ExecStart=$prefix/bin/forensic watch --db /var/lib/forensic/forensic.db" "$watch" ||
    fail "the watch's ExecStart does not name the installed binary: $(grep ExecStart "$watch")"
grep -q '^Restart=always' "$watch" || fail "the watch service does not restart"
grep -q '^ProtectSystem=strict' "$watch" || fail "the watch service is not read-only on the host"

# As systemd sees them once installed: the binary at its path (here under DESTDIR).
units=$dest/verify
mkdir -p "$units"
sed "s|$prefix/bin/forensic|$bin|" "$service" > "$units/forensic-snapshot.service"
cp "$timer" "$units/"
sed "s|$prefix/bin/forensic|$bin|" "$watch" > "$units/forensic-watch.service"
systemd-analyze verify --man=no "$units/forensic-snapshot.service" "$units/forensic-snapshot.timer" \
    "$units/forensic-watch.service" || fail "systemd-analyze verify rejected the units"
# The check has teeth: a unit with a bad setting fails it.
sed 's/^OnCalendar=.*/OnCalendar=every full moon/' "$timer" > "$units/forensic-snapshot.timer"
if systemd-analyze verify --man=no "$units/forensic-snapshot.service" "$units/forensic-snapshot.timer" 2> /dev/null; then
    fail "systemd-analyze verify accepted a broken timer"
fi

warnings=$(MANWIDTH=80 man --warnings -l "$man" 2>&1 > /dev/null) || fail "man -l $man failed: $warnings"
[ -z "$warnings" ] || fail "man page warnings: $warnings"
MANWIDTH=80 man -l "$man" 2> /dev/null | grep -q 'FORENSIC TIMELINE' || fail "man page lacks the timeline section"
"$bin" --version | grep -q '^forensic ' || fail "installed binary does not run"
# The units' StateDirectory=forensic with StateDirectoryMode=0750.
state=$dest/var/lib/forensic
[ -d "$state" ] || fail "no state directory /var/lib/forensic"
[ "$(stat -c %a "$state")" = 750 ] || fail "/var/lib/forensic has mode $(stat -c %a "$state"), the units say 0750"
grep -q '^StateDirectory=forensic$' "$service" && grep -q '^StateDirectoryMode=0750$' "$service" ||
    fail "the service's state directory is not forensic, 0750"
echo "install: binary, units (systemd-analyze verify ok), man page, state directory ok"
