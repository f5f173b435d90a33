#!/usr/bin/env python3
"""One night of change on the synthetic host, before the snapshot at EPOCH:
$night_runs CI runs (each checks a recipe out at a recent commit, deploys its
app with a chaos stamp — one in ten rolled back by Swarm, an HC1 failure —
and records its results, the oldest run being pruned), new releases on the
mirrors fetched into the checkouts and listed in the catalogue, a mirror tag
re-pointed every third night, a new Nix generation every seventh.

Usage: host/night.py NIGHT EPOCH   (NIGHT counts from 1; seeded by it)"""
import json
import os
import random
import shutil
import subprocess
import sys

import model as m


def checkout(recipe):
    return m.ABRA + "/recipes/" + m.recipe_name(recipe)


def ci_run(rng, services, commit_ids, run_id, when):
    k = rng.randrange(m.APPS)
    recipe = k % m.RECIPES
    commit = rng.choice(commit_ids[-40:])
    m.git("-C", checkout(recipe), "checkout", "-q", "--detach", commit, when=when)
    dirty = "+U" if os.path.exists(checkout(recipe) + "/compose.ccci.yml") else ""
    version = m.release(m.TAGS)[0]
    app = services[m.stack(k) + "_app"]
    before = app["Spec"]["Labels"]["coop-cloud.%s.chaos-version" % m.stack(k)]
    rolled_back = rng.random() < 0.1
    m.deploy(app, m.app_spec(k, version, commit[:8] + dirty), when, rolled_back)
    m.write_app_env(k, version, when)
    failure = m.hc1_failure(before, commit[:12]) if rolled_back else None
    m.write_run(run_id, m.recipe_name(recipe), commit[:12], when - 600, when + 300, failure)


def releases(rng, night, count, commit_ids, when):
    catalogue_path = m.ABRA + "/catalogue/recipes.json"
    with open(catalogue_path, encoding="utf-8") as f:
        catalogue = json.load(f)
    for j in range(count):
        recipe = rng.randrange(m.RECIPES)
        name = "%d.%d.0+1.%d" % (m.TAGS + night, j, night)
        mirror = "%s/%s.git" % (m.MIRRORS, m.recipe_name(recipe))
        m.git("-C", mirror, "tag", "-a", name, "-m", "release", commit_ids[-1 - rng.randrange(5)], when=when)
        # Only the new tag: a tag re-pointed on the mirror stays as it was here.
        m.git("-C", checkout(recipe), "fetch", "-q", "origin", "refs/tags/%s:refs/tags/%s" % (name, name), when=when)
        os.utime(checkout(recipe) + "/.git/FETCH_HEAD", (when, when))
        catalogue[recipe]["versions"].append(m.catalogue_entry(m.recipe_name(recipe), [name])["versions"][0])
    m.write_json(catalogue_path, catalogue)
    m.git("-C", m.ABRA + "/catalogue", "commit", "-q", "-am", "chore: publish releases", when=when)


def repoint_tag(rng, commit_ids, when):
    """A tag moved on the mirror while the checkout kept the old one."""
    mirror = "%s/%s.git" % (m.MIRRORS, m.recipe_name(rng.randrange(m.RECIPES)))
    name = m.release(rng.randrange(1, m.TAGS + 1))[0]
    m.git("-C", mirror, "tag", "-f", "-a", name, "-m", "moved", rng.choice(commit_ids), when=when)


def new_generation(when):
    profiles = m.HOST + "/nix/var/nix/profiles"
    count = sum(1 for e in os.listdir(profiles) if e.startswith("system-") and e.endswith("-link"))
    bench = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([bench + "/host/nix.sh", m.HOST, str(count + 1), str(when)], check=True)


def main():
    night, at = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(night)
    commit_ids = m.commits()
    with open(m.INSPECT, encoding="utf-8") as f:
        inspect = json.load(f)
    services = {s["Spec"]["Name"]: s for s in inspect}
    runs = sorted(os.listdir(m.RUNS_DIR))
    next_run = int(runs[-1].split("-")[1]) + 1
    count = int(m.ENV["night_runs"])
    step = 86400 // (count + 2)
    for j in range(count):
        ci_run(rng, services, commit_ids, next_run + j, at - 86400 + (j + 1) * step)
    for old in runs[:max(0, len(runs) + count - m.RUNS)]:
        shutil.rmtree(m.RUNS_DIR + "/" + old)
    m.write_json(m.INSPECT, inspect)
    releases(rng, night, max(1, count // 30), commit_ids, at - 3600)
    if night % 3 == 0:
        repoint_tag(rng, commit_ids, at - 1800)
    if night % 7 == 0:
        new_generation(at - 7200)


if __name__ == "__main__":
    main()
