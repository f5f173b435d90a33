#!/usr/bin/env python3
"""A medium synthetic store for the maintenance figures (bench/REPORT.md,
issue 19) without the full bench's hour: NIGHTS nightly bundles of SUBJECTS x
KEYS facts, CHURN of them changed each night (a third of the changes back to
an older value), one collector failing every tenth night, imported with
`forensic import` in batches.

Usage: synthetic_year.py FORENSIC DB [NIGHTS SUBJECTS KEYS CHURN]"""
import datetime, json, os, random, subprocess, sys, tempfile

forensic, db = sys.argv[1], sys.argv[2]
nights, subjects, keys, churn = (int(a) for a in (sys.argv[3:7] or [365, 2000, 10, 200]))
rng = random.Random(19)
start = datetime.datetime(2025, 1, 1, 3, tzinfo=datetime.timezone.utc)
values = {(s, k): "v0" for s in range(subjects) for k in range(keys)}


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def bundle(night):
    taken = start + datetime.timedelta(days=night)
    failed = night % 10 == 9
    facts = [{"subject": "recipe/%d" % s, "key": "k%d" % k, "value": v} for (s, k), v in values.items()]
    return {"format": "forensic-bundle", "version": 1, "host": "synthetic", "taken_at": stamp(taken),
            "finished_at": stamp(taken + datetime.timedelta(seconds=30)), "tool_version": "synthetic",
            "collectors": [{"name": "recipes", "status": "ok", "facts": facts},
                           {"name": "swarm", "status": "failed", "error": "docker down", "facts": []} if failed else
                           {"name": "swarm", "status": "ok",
                            "facts": [{"subject": "svc", "key": "image", "value": "app:%d" % (night // 7)}]}]}


with tempfile.TemporaryDirectory() as work:
    batch = []
    for night in range(nights):
        for _ in range(churn):
            key = (rng.randrange(subjects), rng.randrange(keys))
            values[key] = "v%d" % (rng.randrange(night + 1) if rng.random() < 1 / 3 else night + 1)
        path = os.path.join(work, "%03d.json" % night)
        with open(path, "w") as out:
            json.dump(bundle(night), out)
        batch.append(path)
        if len(batch) == 30 or night == nights - 1:
            subprocess.run([forensic, "import", "--db", db, *batch], check=True, stdout=subprocess.DEVNULL)
            for p in batch:
                os.unlink(p)
            batch = []
