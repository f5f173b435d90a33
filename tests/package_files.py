#!/usr/bin/env python3
"""Compares what the Debian package installs with what `meson install`
installs, and prints both lists.

  package_files.py DEB MESON_DESTDIR USER_DESTDIR USER_PREFIX USER_UNITDIR UNITDIR

MESON_DESTDIR is `meson install` of the package's own build tree: the package
must hold the same entries, each of the same type and mode, with the same
bytes, but for what debhelper does by rule to every package (named below).
USER_DESTDIR is `meson install` of a user's build (prefix USER_PREFIX, units
in USER_UNITDIR): moved to the package's /usr and UNITDIR, the same names.
Exits 1, naming each difference, when they differ."""
import gzip
import io
import os
import stat
import subprocess
import sys
import tarfile
import tempfile

# What debhelper adds to every package, by the tool that adds it.
DEBIAN_ADDITIONS = {
    "usr/share/doc/forensic/changelog.Debian.gz": "dh_installchangelogs",
    "usr/share/doc/forensic/copyright": "dh_installdocs",
    "usr/share/lintian": "dh_lintian (the overrides, explained in debian/)",
    "usr/share/lintian/overrides": "dh_lintian",
    "usr/share/lintian/overrides/forensic": "dh_lintian",
}


class Entry:
    def __init__(self, kind, mode, data=None, target=None, owner=None):
        self.kind, self.mode, self.data, self.target, self.owner = kind, mode, data, target, owner


def build_id(data):
    """The GNU build-id note of an ELF file: the link that made it, stripped or not."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        notes = subprocess.run(["readelf", "-n", f.name], capture_output=True, check=True, text=True).stdout
    for line in notes.splitlines():
        if "Build ID:" in line:
            return line.split("Build ID:")[1].strip()
    return None


def package_entries(deb):
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], capture_output=True, check=True).stdout
    entries = {}
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        for m in archive.getmembers():
            name = os.path.normpath(m.name)
            if name == ".":
                continue
            owner = f"{m.uname or m.uid}/{m.gname or m.gid}"
            if m.isdir():
                entries[name] = Entry("dir", m.mode, owner=owner)
            elif m.issym():
                entries[name] = Entry("link", 0o777, target=m.linkname, owner=owner)
            elif m.isfile():
                entries[name] = Entry("file", m.mode, data=archive.extractfile(m).read(), owner=owner)
            else:
                entries[name] = Entry("other", m.mode, owner=owner)
    return entries


def tree_entries(root):
    entries = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                entries[rel] = Entry("link", 0o777, target=os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                entries[rel] = Entry("dir", mode)
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    entries[rel] = Entry("file", mode, data=f.read())
            else:
                entries[rel] = Entry("other", mode)
    return entries


def describe(name, e):
    extra = f" -> {e.target}" if e.kind == "link" else ""
    return f"{e.kind:4} {e.mode:04o} {e.owner or '':11} {name}{extra}"


def compressed_name(name, package):
    """The package's name for `name`: dh_compress gzips man pages and large docs."""
    return name + ".gz" if name not in package and name + ".gz" in package else name


def same_content(name, mine, theirs):
    """Why `theirs` (the package's) is not what meson installed as `mine`, or None."""
    if mine.kind != theirs.kind:
        return f"{name}: {theirs.kind} in the package, {mine.kind} from meson install"
    if mine.mode != theirs.mode:
        return f"{name}: mode {theirs.mode:04o} in the package, {mine.mode:04o} from meson install"
    if mine.kind == "link" and mine.target != theirs.target:
        return f"{name}: links to {theirs.target} in the package, {mine.target} from meson install"
    if mine.kind != "file":
        return None
    data = theirs.data
    if name.endswith(".gz") and not mine.data.startswith(b"\x1f\x8b"):
        data = gzip.decompress(data)
    if data == mine.data:
        return None
    if mine.data.startswith(b"\x7fELF") and data.startswith(b"\x7fELF"):
        # dh_strip moves the debug symbols to forensic-dbgsym: the same link, stripped.
        ours, packaged = build_id(mine.data), build_id(data)
        if ours and ours == packaged and len(data) <= len(mine.data):
            return None
        return f"{name}: build-id {packaged} in the package, {ours} from meson install"
    return f"{name}: different bytes in the package"


def main():
    deb, meson_dest, user_dest, user_prefix, user_unitdir, unitdir = sys.argv[1:7]
    package = package_entries(deb)
    installed = tree_entries(meson_dest)
    problems = []

    print("The package (dpkg -c):")
    for name in sorted(package):
        print("  " + describe(name, package[name]))
        if package[name].owner != "root/root":
            problems.append(f"{name}: owned by {package[name].owner}, not root/root")
    print(f"meson install of the package's build tree ({len(installed)} entries):")
    for name in sorted(installed):
        print("  " + describe(name, installed[name]))

    # The package against meson install of the same build.
    matched = set()
    for name, mine in sorted(installed.items()):
        theirs_name = compressed_name(name, package)
        if theirs_name not in package:
            problems.append(f"{name}: installed by meson, not in the package")
            continue
        matched.add(theirs_name)
        why = same_content(theirs_name, mine, package[theirs_name])
        if why:
            problems.append(why)
    for name in sorted(set(package) - matched):
        if name in DEBIAN_ADDITIONS:
            print(f"  (the package's own {name}: {DEBIAN_ADDITIONS[name]})")
        else:
            problems.append(f"{name}: in the package, not installed by meson")

    # A user's meson install, moved to the package's prefix: the same names.
    def moved(rel):
        path = "/" + rel
        for old, new in ((user_unitdir, unitdir), (user_prefix, "/usr")):
            if path == old or path.startswith(old.rstrip("/") + "/"):
                return (new + path[len(old.rstrip("/")):]).lstrip("/")
        return rel

    # Leaves (files, links, empty directories), named before they move: the
    # directories above them follow from them.
    def leaves(entries):
        return {n: e for n, e in entries.items()
                if e.kind != "dir" or not any(o.startswith(n + "/") for o in entries)}

    user = {moved(rel): e for rel, e in leaves(tree_entries(user_dest)).items()}
    print(f"meson install of {user_prefix} (the user's build), moved to /usr and {unitdir}:")
    for name in sorted(user):
        print("  " + describe(name, user[name]))
    user_names = {compressed_name(n, package) for n in user}
    package_names = set(leaves({n: e for n, e in package.items() if n not in DEBIAN_ADDITIONS}))
    for name in sorted(user_names - package_names):
        problems.append(f"{name}: installed by meson install of the user's build, not in the package")
    for name in sorted(package_names - user_names):
        problems.append(f"{name}: in the package, not installed by meson install of the user's build")

    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    if problems:
        return 1
    print(f"package_files: the package holds what meson install installs ({len(installed)} entries), "
          f"and Debian's own {len(set(package) - matched)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
