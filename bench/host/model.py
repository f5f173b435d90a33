"""What the synthetic host's JSON sources look like, shared by host/generate.py
(the initial state) and host/night.py (one night's changes): the abra
catalogue, `docker service inspect` entries in the Engine API shape (see
tests/data/swarm/), abra app env files and CI results.json files (the
primer's format). Parameters come from bench/lib.sh through the environment."""
import hashlib
import json
import os
import subprocess
from datetime import datetime, timezone

ENV = os.environ
RECIPES, TAGS = int(ENV["recipes"]), int(ENV["tags"])
SERVICES, RUNS = int(ENV["services"]), int(ENV["runs"])
HOST, ABRA, INSPECT = ENV["host"], ENV["abra"], ENV["inspect"]
MIRRORS, TEMPLATE = ENV["mirrors"], ENV["template"]
RUNS_DIR = HOST + ENV["runs_dir"]
SERVER = "ci.example.org"
APPS = (SERVICES + 1) // 2  # an app service and a db service per app


def recipe_name(i):
    return "recipe%03d" % i


def hexhash(text, digits):
    """A stable hex id (Python's own hash() differs per process)."""
    return hashlib.sha256(text.encode()).hexdigest()[:digits]


def rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


def git(*args, when=None, cwd=None):
    env = dict(ENV)
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = "@%d +0000" % when
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def commits():
    """The recipe history's commit ids, oldest first (every checkout is a copy)."""
    return git("-C", TEMPLATE, "rev-list", "--reverse", "main").split()


def release(i):
    """Release tag i (1-based) and the index of its commit (every third)."""
    return "%d.0.0+1.%d" % (i, i), 3 * i - 1


def app_domain(k):
    return "%s-%04d.%s" % (recipe_name(k % RECIPES), k, SERVER)


def stack(k):
    return app_domain(k).replace(".", "_")


def write_json(path, value, mtime=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1)
    os.replace(path + ".tmp", path)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


# ---- abra catalogue and app env files ----

def catalogue_entry(recipe, versions):
    return {"name": recipe, "repository": "https://git.example.org/coop-cloud/%s.git" % recipe,
            "default_branch": "main", "features": {},
            "versions": [{v: {"app": {"image": "example/%s" % recipe, "tag": v.split("+")[1],
                                      "digest": "sha256:" + hexhash(recipe + v, 64)}}}
                         for v in versions]}


def write_app_env(k, version, when):
    path = "%s/servers/%s/%s.env" % (ABRA, SERVER, app_domain(k))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("TYPE=%s:%s\nDOMAIN=%s\nSECRET_DB_PASSWORD_VERSION=v1\nSMTP_PASSWORD=never-stored\n"
                % (recipe_name(k % RECIPES), version, app_domain(k)))
    os.replace(path + ".tmp", path)
    os.utime(path, (when, when))


# ---- Swarm services ----

def labels(k, version, chaos_version):
    s = stack(k)
    return {"com.docker.stack.namespace": s, "coop-cloud.%s.recipe" % s: recipe_name(k % RECIPES),
            "coop-cloud.%s.version" % s: version, "coop-cloud.%s.timeout" % s: "300",
            "coop-cloud.%s.chaos" % s: "true", "coop-cloud.%s.chaos-version" % s: chaos_version,
            "traefik.enable": "true", "traefik.http.routers.%s.rule" % s: "Host(`%s`)" % app_domain(k)}


def spec(name, image, service_labels):
    return {"Name": name, "Labels": service_labels,
            "TaskTemplate": {"ContainerSpec": {"Image": image, "Env": ["DB_PASSWORD=never-stored"],
                                               "Secrets": [{"SecretName": name + "_smtp_v1"}]},
                             "RestartPolicy": {"Condition": "on-failure", "MaxAttempts": 3}, "ForceUpdate": 0,
                             "Runtime": "container"},
            "Mode": {"Replicated": {"Replicas": 1}},
            "UpdateConfig": {"Parallelism": 1, "FailureAction": "rollback", "Monitor": 5000000000,
                             "MaxFailureRatio": 0, "Order": "start-first"},
            "RollbackConfig": {"Parallelism": 1, "FailureAction": "pause", "Monitor": 5000000000,
                               "MaxFailureRatio": 0, "Order": "stop-first"},
            "EndpointSpec": {"Mode": "vip"}}


def service(name, index, created, current):
    return {"ID": hexhash(name, 25), "Version": {"Index": index},
            "CreatedAt": rfc3339(created), "UpdatedAt": rfc3339(created), "Spec": current,
            "Endpoint": {"Spec": {"Mode": "vip"}}}


def deploy(svc, new_spec, when, rolled_back):
    """An update as Swarm records it; a rollback puts the old Spec back."""
    svc["Version"]["Index"] += 7
    svc["UpdatedAt"] = rfc3339(when + 40)
    old = svc["Spec"]
    if rolled_back:
        svc.pop("PreviousSpec", None)
        svc["UpdateStatus"] = {"State": "rollback_completed", "StartedAt": rfc3339(when),
                               "CompletedAt": rfc3339(when + 40), "Message": "rollback completed"}
    else:
        svc["PreviousSpec"], svc["Spec"] = old, new_spec
        svc["UpdateStatus"] = {"State": "completed", "StartedAt": rfc3339(when),
                               "CompletedAt": rfc3339(when + 40), "Message": "update completed"}


def app_spec(k, version, chaos_version):
    name = stack(k) + "_app"
    return spec(name, "example/%s:%s" % (recipe_name(k % RECIPES), version.split("+")[1]),
                labels(k, version, chaos_version))


def db_spec(k):
    name = stack(k) + "_db"
    return spec(name, "postgres:16", {"com.docker.stack.namespace": stack(k)})


# ---- CI runs ----

def hc1_failure(observed, expected):
    return ("AssertionError: upgrade deployed chaos commit '%s', not the intended PR-head '%s' - the re-checkout "
            "to the code under test failed (HC1)" % (observed, expected))


def write_run(run_id, recipe, ref, started, finished, failure=None):
    upgrade = "fail" if failure else "pass"
    results = {"recipe": recipe, "ref": ref, "pr": str(run_id % 97), "level": 1 if failure else 5,
               "tiers": {"install": "pass", "upgrade": upgrade, "backup": "pass", "restore": "pass", "custom": "pass"},
               "rungs": {"install": "pass", "upgrade": upgrade, "backup_restore": "pass", "functional": "pass",
                         "lint": "pass"},
               "clean_teardown": True, "no_secret_leak": True, "started": started, "finished": finished}
    if failure:
        results["failures"] = {"upgrade": failure}
    write_json("%s/run-%06d/results.json" % (RUNS_DIR, run_id), results, finished)
