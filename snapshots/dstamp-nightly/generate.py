#!/usr/bin/env python3
"""Rebuilds snapshots/dstamp-nightly/: the dstamp case as a host would record
it with no capture during the run — only the nightly timer, plus either
`forensic watch` or the event backfill of the next nightly snapshot.

It replays ../dstamp/generate.py's story on a host tree of its own, with two
differences README.md names: no mid-run captures, and the CI harness undeploys
apps but keeps their env files (abra app undeploy). Then:

- nightly/  the six nightly bundles (03:00 on 06-05, 06-07, 06-09, 06-10,
            06-11 and 06-12), taken from --docker-json dumps: no event buffer;
- watch/    what `forensic watch` recorded of the run on 06-10: the real
            forensic watch, following the real docker client against a replay
            of the Engine API (tests/support/docker_replay.py) that serves the
            story's service events in lockstep with the services' states;
- backfill/ the 06-11 03:00 nightly as it is when the daemon's buffer still
            holds the run's service events (read from a saved `docker events`
            output with --docker-events).

Usage: snapshots/dstamp-nightly/generate.py [FORENSIC] [OUT_DIR]
"""
import copy
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FORENSIC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../build/tools/forensic"))
OUT = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else HERE)
REPLAY = os.path.join(HERE, "../../tests/support/docker_replay.py")

spec = importlib.util.spec_from_file_location("dstamp", os.path.join(HERE, "../dstamp/generate.py"))
d = importlib.util.module_from_spec(spec)
sys.argv = [sys.argv[0], FORENSIC, OUT]  # the story's module reads its own arguments
spec.loader.exec_module(d)
d.WORK = "/tmp/forensic-dstamp-nightly-host"
d.ROOT = d.WORK + "/root"
d.MIRRORS = d.WORK + "/mirrors"


def ns(text):
    """RFC 3339 with up to 9 fractional digits to integer nanoseconds."""
    base, _, fraction = text.rstrip("Z").partition(".")
    return int(d.ts(base + "Z")) * 1_000_000_000 + int((fraction + "000000000")[:9])


def event(service, action, at, **attributes):
    attrs = {"name": service["Spec"]["Name"], **attributes}
    t = ns(at)
    return {"Type": "service", "Action": action, "Actor": {"ID": service["ID"], "Attributes": attrs},
            "scope": "swarm", "time": t // 1_000_000_000, "timeNano": t}


def run_steps(dumps):
    """The service events of 06-10, each with the services as they are from it on."""
    disc_spec, base, head = dumps["disc_spec"], dumps["base"], dumps["head"]
    svc = dumps["disc_svc"]
    created = "2026-06-10T05:33:02.118734512Z"
    deployed = d.service(svc, created, created, disc_spec(base + "+U", "0.7.0+3.3.1"), index=2270)
    in_flight = dumps["in_flight"]
    spec_set = copy.deepcopy(in_flight)  # the redeploy's spec, before the update starts
    del spec_set["UpdateStatus"]
    rolling_back = d.service(svc, created, "2026-06-10T05:49:09.904417325Z", disc_spec(base + "+U", "0.7.0+3.3.1"), None,
                             {"State": "rollback_started", "StartedAt": "2026-06-10T05:48:40.702154903Z",
                              "Message": "update rolled back due to failure or early termination of task "
                                         "4zu2s70o60mhllqegj0pu83kz"}, index=2299)
    rolled_back = dumps["rolled_back"]
    n8n, kc = dumps["peers"]
    base_services = dumps["infra"] + dumps["warm"]
    steps, present = [], {}

    def step(ev, changed=None, gone=None):
        if changed:
            present[changed["Spec"]["Name"]] = changed
        if gone:
            present.pop(gone["Spec"]["Name"], None)
        steps.append({"event": ev, "services": base_services + list(present.values())})

    for peer in (n8n, kc):
        step(event(peer, "create", peer["CreatedAt"]), peer)
        step(event(peer, "update", peer["CreatedAt"][:-4] + "6Z"), peer)
    step(event(deployed, "create", created), deployed)
    step(event(deployed, "update", "2026-06-10T05:33:02.125101443Z"), deployed)
    step(event(spec_set, "update", in_flight["UpdatedAt"]), spec_set)
    step(event(in_flight, "update", in_flight["UpdateStatus"]["StartedAt"], **{"updatestate.new": "updating"}), in_flight)
    step(event(rolling_back, "update", rolling_back["UpdatedAt"],
               **{"updatestate.new": "rollback_started", "updatestate.old": "updating"}), rolling_back)
    step(event(rolled_back, "update", rolled_back["UpdatedAt"],
               **{"updatestate.new": "rollback_completed", "updatestate.old": "rollback_started"}), rolled_back)
    step(event(n8n, "remove", "2026-06-10T06:30:00.412087366Z"), gone=n8n)
    step(event(kc, "remove", "2026-06-10T06:40:00.380155720Z"), gone=kc)
    step(event(rolled_back, "remove", "2026-06-10T06:58:00.219004781Z"), gone=rolled_back)
    steps.sort(key=lambda s: s["event"]["timeNano"])
    return steps


def run_watch(steps, db):
    """The real forensic watch, against the Engine API replay of `steps`."""
    work = d.WORK + "/watch"
    os.makedirs(work + "/docker-config", exist_ok=True)
    with open(work + "/steps.json", "w") as f:
        json.dump(steps, f)
    with open(work + "/services.json", "w") as f:
        json.dump([], f)
    sock = work + "/docker.sock"
    replay = subprocess.Popen([sys.executable, REPLAY, "--socket", sock, "--fixture", work + "/services.json",
                               "--events", work + "/steps.json", "--stream-end", "hold"],
                              stdout=subprocess.PIPE, stderr=open(work + "/replay.err", "w"))
    if replay.stdout.readline().strip() != b"ready":
        sys.exit("docker_replay.py did not start: " + open(work + "/replay.err").read())
    env = dict(os.environ, DOCKER_HOST="unix://" + sock, DOCKER_CONFIG=work + "/docker-config")
    out = open(work + "/watch.out", "w+")
    watch = None
    try:
        watch = subprocess.Popen([FORENSIC, "watch", "--db", db, "--root", d.ROOT, "--home", d.HOME, "--host", d.HOST,
                                  "--docker", "docker"], env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        recorded = 0
        while recorded < len(steps) and time.time() < deadline and watch.poll() is None:
            time.sleep(0.2)
            out.seek(0)
            recorded = sum(int(line.split()[3]) for line in out if line.startswith("forensic watch: recorded "))
        watch.send_signal(signal.SIGTERM)
        code = watch.wait(30)
    finally:  # neither is left running, whatever happened
        for process in (watch, replay):
            if process and process.poll() is None:
                process.kill()
                process.wait()
    out.seek(0)
    if code != 0 or recorded != len(steps):
        sys.exit("forensic watch recorded %d of %d events (exit %s):\n%s" % (recorded, len(steps), code, out.read()))


def export_all(db, out_dir, kind=None):
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):
        if old.endswith(".json"):
            os.remove(os.path.join(out_dir, old))
    listing = json.loads(subprocess.run([FORENSIC, "list", "--db", db, "--json"], capture_output=True, text=True,
                                        check=True).stdout)["snapshots"]
    written = 0
    for entry in sorted(listing, key=lambda s: s["taken_at"]):
        if kind and entry["kind"] != kind:
            continue
        bundle = json.loads(subprocess.run([FORENSIC, "export", str(entry["id"]), "--db", db], capture_output=True,
                                           text=True, check=True).stdout)
        bundle["finished_at"] = bundle["taken_at"]  # collection took real, varying time: pinned
        d.unseal(bundle)
        name = "%02d-%s.json" % (entry["id"], entry["taken_at"].replace(":", ""))
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            json.dump(bundle, f, indent=1, ensure_ascii=False)
            f.write("\n")
        written += 1
    return written


def backfill_snapshot(db, at, services, steps):
    """The next nightly as it is with the daemon's buffer still holding the run's events."""
    dump = d.WORK + "/inspect-backfill.json"
    with open(dump, "w") as f:
        json.dump(services, f, indent=1)
    events = d.WORK + "/events.jsonl"
    with open(events, "w") as f:
        for s in steps:
            f.write(json.dumps(s["event"]) + "\n")
    args = [FORENSIC, "snapshot", "--db", db, "--root", d.ROOT, "--home", d.HOME, "--host", d.HOST, "--at", at,
            "--runs-dir", d.RUNS, "--docker-json", dump, "--docker-events", events,
            "--mirror-url", d.MIRRORS + "/{recipe}.git"]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("backfill snapshot failed (%d):\n%s%s" % (result.returncode, result.stdout, result.stderr))


def build_variant():
    os.makedirs(d.ROOT + "/etc")
    d.write("/etc/hostname", d.HOST + "\n")
    d.build_upstreams()
    d.clone_checkouts()
    d.build_catalogue()
    d.teardown = lambda domain: None  # undeployed, its env file kept
    events, snapshots, dumps = d.story()
    steps = run_steps(dumps)
    nightly_db, watch_db, backfill_db = (d.WORK + "/" + name + ".db" for name in ("nightly", "watch", "backfill"))
    actions = [(d.ts(t), 0, i, fn) for i, (t, fn) in enumerate(events)]
    actions += [(d.ts(t), 1, i, (t, kind, svc)) for i, (t, kind, svc) in enumerate(snapshots) if kind == "nightly"]
    # The watch follows the run from the moment its env files are all written.
    actions.append((d.ts("2026-06-10T05:47:30Z"), 2, 0, None))
    actions.sort(key=lambda a: (a[0], a[1], a[2]))
    for _, what, _, arg in actions:
        if what == 0:
            arg()
        elif what == 1:
            d.snapshot(nightly_db, *arg)
            if arg[0] == "2026-06-11T03:00:00Z":
                backfill_snapshot(backfill_db, arg[0], arg[2], steps)
        else:
            run_watch(steps, watch_db)
    counts = (export_all(nightly_db, OUT + "/nightly"), export_all(watch_db, OUT + "/watch", "watch"),
              export_all(backfill_db, OUT + "/backfill"))
    print("wrote %d nightly, %d watch and %d backfill bundles to %s" % (counts + (OUT,)))


def main():
    with d.exclusive(d.WORK):
        if os.path.exists(d.WORK):
            shutil.rmtree(d.WORK)
        try:
            build_variant()
        finally:
            shutil.rmtree(d.WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
