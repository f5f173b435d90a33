#!/usr/bin/env python3
"""Rebuilds snapshots/dstamp/: the host states of the dstamp investigation
(../shared/seeds/) as forensic snapshot bundles.

Nothing here types facts. The script builds a real host tree under a fixed
root and lets `forensic snapshot` read it, at each snapshot time in turn:
real git repositories (commits, annotated tags, reflogs, with fixed dates so
every id is reproducible), real Nix generation links with their mtimes, abra's
app env files, CI results.json files, and Engine-API-shaped `docker service
inspect` dumps read through --docker-json. Then `forensic export` writes each
snapshot as a bundle. README.md beside this file says where the seeds were
silent and what was chosen.

Usage: snapshots/dstamp/generate.py [FORENSIC] [OUT_DIR]
"""
import hashlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
FORENSIC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../build/tools/forensic"))
OUT = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else HERE)
# A fixed root: mirror URLs are recorded as given, so the path must not vary.
WORK = "/tmp/forensic-dstamp-host"
ROOT = WORK + "/root"
HOME = "/home/ci"
ABRA = HOME + "/.abra"
RUNS = "/var/lib/cc-ci-runs"
MIRRORS = WORK + "/mirrors"
SERVER = "ci.commoninternet.net"
HOST = "cc-ci"


def unseal(bundle):
    """Drops the seal export adds (format 3, docs/tamper-evidence.md): it is
    over the real, varying times these bundles pin, and of a database thrown
    away. The version goes back to the lowest that holds the rest, as
    forensic writes it."""
    if bundle.pop("seal", None) is not None:
        partial = any(c.get("coverage", "full") != "full" for c in bundle["collectors"])
        # Format 4: a tag is one fact, "<peeled> <object> ..." (docs/collectors.md).
        dense = any(c["name"] in ("recipes", "mirrors") and f["key"].startswith("tag:") and
                    ":" not in f["key"][4:] and " " in f["value"] for c in bundle["collectors"] for f in c["facts"])
        bundle["version"] = 4 if dense else 2 if partial or "kind" in bundle else 1


def ts(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


def real(host_path):
    return ROOT + host_path


def write(host_path, text, mtime=None):
    path = real(host_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if mtime:
        os.utime(path, (ts(mtime), ts(mtime)))


def git(cwd, *args, when="2026-05-01T00:00:00Z"):
    env = dict(os.environ, GIT_AUTHOR_NAME="autonomic-bot", GIT_AUTHOR_EMAIL="autonomic-bot@noreply.git.autonomic.zone",
               GIT_COMMITTER_NAME="autonomic-bot", GIT_COMMITTER_EMAIL="autonomic-bot@noreply.git.autonomic.zone",
               GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               TZ="UTC")
    return subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false", *args], cwd=cwd,
                          env=env, check=True, capture_output=True, text=True).stdout.strip()


# ---- Nix: generation 1 had another abra; 2-11 share one store path ----

def nix_hash(seed):
    alphabet = "0123456789abcdfghijklmnpqrsvwxyz"
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[b % 32] for b in digest[:32])


ABRA_BETA = "/nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-abra-0.13.0-beta"  # the seed's own store path
ABRA_OLD = "/nix/store/%s-abra-0.12.2" % nix_hash("abra-0.12.2")
GENERATIONS = [  # number, created, abra
    (1, "2026-05-10T09:12:00Z", ABRA_OLD), (2, "2026-05-18T10:40:00Z", ABRA_BETA),
    (3, "2026-05-26T08:05:00Z", ABRA_BETA), (4, "2026-06-01T07:30:00Z", ABRA_BETA),
    (5, "2026-06-02T07:31:00Z", ABRA_BETA), (6, "2026-06-03T07:29:00Z", ABRA_BETA),
    (7, "2026-06-04T07:33:00Z", ABRA_BETA), (8, "2026-06-06T07:30:00Z", ABRA_BETA),
    (9, "2026-06-08T07:32:00Z", ABRA_BETA), (10, "2026-06-09T07:30:00Z", ABRA_BETA),
    (11, "2026-06-10T07:31:00Z", ABRA_BETA),
]


def make_generation(number, created, abra):
    write(abra + "/bin/abra", "#!/bin/sh\necho 'abra version %s'\n" % abra.split("-abra-")[1])
    os.chmod(real(abra + "/bin/abra"), 0o755)
    os.utime(real(abra + "/bin/abra"), (1, 1))  # Nix's normalised mtime
    sw = "/nix/store/%s-system-path" % nix_hash("sw-%d" % number)
    os.makedirs(real(sw + "/bin"), exist_ok=True)
    link(sw + "/bin/abra", abra + "/bin/abra")
    system = "/nix/store/%s-nixos-system-cc-ci-24.05.%d" % (nix_hash("sys-%d" % number), number)
    os.makedirs(real(system), exist_ok=True)
    link(system + "/sw", sw)
    profiles = "/nix/var/nix/profiles"
    link(profiles + "/system-%d-link" % number, system, created)
    link(profiles + "/system", "system-%d-link" % number, created)
    link("/run/current-system", system, created)


def link(host_path, target, mtime=None):
    path = real(host_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.remove(path)
    os.symlink(target, path)
    if mtime:
        os.utime(path, (ts(mtime), ts(mtime)), follow_symlinks=False)


# ---- Recipes, their mirrors and the catalogue ----

COMPOSE = """version: "3.8"
services:
  app:
    image: {image}
    deploy:
      update_config:
        failure_action: rollback
        order: start-first
        monitor: 5s
      labels:
        - "coop-cloud.${{STACK_NAME}}.version={version}"
"""

# recipe: (image, [(date, message, tag or None)])
RECIPES = {
    "discourse": ("bitnami/discourse", [
        ("2026-04-02T10:00:00Z", "chore: publish 0.6.0+3.2.0 release", "0.6.0+3.2.0"),
        ("2026-05-20T11:15:00Z", "chore: publish 0.7.0+3.3.1 release", "0.7.0+3.3.1"),
        ("2026-05-22T09:00:00Z", "fix: wait for sidekiq before healthcheck", None),
        ("2026-05-23T14:20:00Z", "feat: backupbot labels", None),
        ("2026-05-25T10:05:00Z", "chore: bump redis to 7.2", None),
        ("2026-05-27T16:40:00Z", "fix: smtp port env", None),
        ("2026-05-29T08:30:00Z", "chore: upgrade postgres to 16", None),
        ("2026-05-31T12:00:00Z", "docs: release notes draft", None),
        ("2026-06-02T09:45:00Z", "feat: configurable precompile", None),
        ("2026-06-03T17:10:00Z", "fix: healthcheck path", None),
        ("2026-06-04T11:25:00Z", "chore: upgrade to 0.9.0+3.5.0", None),
    ]),
    "n8n": ("n8nio/n8n", [
        ("2026-04-15T10:00:00Z", "chore: publish 1.2.0+1.40.0 release", "1.2.0+1.40.0"),
        ("2026-05-12T10:00:00Z", "chore: publish 1.3.0+1.45.1 release", "1.3.0+1.45.1"),
        ("2026-06-06T10:00:00Z", "chore: upgrade to 1.4.0+1.48.0", None),
    ]),
    "keycloak": ("keycloak/keycloak", [
        ("2026-04-20T10:00:00Z", "chore: publish 6.1.0+24.0.3 release", "6.1.0+24.0.3"),
        ("2026-05-30T10:00:00Z", "chore: publish 7.0.0+25.0.1 release", "7.0.0+25.0.1"),
        ("2026-06-07T10:00:00Z", "chore: upgrade to 7.1.0+25.0.6", None),
    ]),
}
COMMITS = {}  # recipe -> [commit ids], oldest first


def build_upstreams():
    """The recipes' history, pushed to bare mirrors as it was published."""
    os.makedirs(MIRRORS, exist_ok=True)
    for recipe, (image, history) in RECIPES.items():
        scratch = WORK + "/scratch/" + recipe
        os.makedirs(scratch)
        git(scratch, "init", "-q")
        ids = []
        for date, message, tag in history:
            version = tag or message.split()[-1]
            with open(scratch + "/compose.yml", "w") as f:
                f.write(COMPOSE.format(image=image, version=version))
            with open(scratch + "/README.md", "a") as f:
                f.write("- %s\n" % message)
            git(scratch, "add", "-A", when=date)
            git(scratch, "commit", "-q", "-m", message, when=date)
            ids.append(git(scratch, "rev-parse", "HEAD"))
            if tag:
                git(scratch, "tag", "-a", tag, "-m", "Release " + tag, when=date)
        COMMITS[recipe] = ids
        git(WORK, "clone", "-q", "--bare", scratch, MIRRORS + "/" + recipe + ".git")


def clone_checkouts():
    """abra's checkouts under ~/.abra/recipes, cloned from the mirrors in May."""
    for recipe in RECIPES:
        path = real(ABRA + "/recipes/" + recipe)
        git(WORK, "clone", "-q", MIRRORS + "/" + recipe + ".git", path, when="2026-05-01T08:00:00Z")
        # Back to where the checkout stood before the June history below.
        first_tag = [t for _, _, t in RECIPES[recipe][1] if t][0]
        git(path, "checkout", "-q", first_tag, when="2026-05-01T08:01:00Z")


def checkout(recipe, commit_index, when):
    path = real(ABRA + "/recipes/" + recipe)
    git(path, "checkout", "-q", COMMITS[recipe][commit_index], when=when)


def fetch(recipe, when):
    path = real(ABRA + "/recipes/" + recipe)
    git(path, "fetch", "-q", "origin", when=when)
    for name in ("FETCH_HEAD",):
        os.utime(os.path.join(path, ".git", name), (ts(when), ts(when)))


def build_catalogue():
    path = real(ABRA + "/catalogue")
    os.makedirs(path)
    git(path, "init", "-q")
    catalogue = []
    for recipe, (image, history) in RECIPES.items():
        versions = [{tag: {"app": {"image": image, "tag": tag.split("+")[1],
                                   "digest": "sha256:" + hashlib.sha256((recipe + tag).encode()).hexdigest()}}}
                    for _, _, tag in history if tag]
        catalogue.append({"name": recipe, "repository": "https://git.coopcloud.tech/coop-cloud/%s.git" % recipe,
                          "default_branch": "main", "features": {}, "versions": versions})
    with open(path + "/recipes.json", "w") as f:
        json.dump(catalogue, f, indent=2)
    git(path, "add", "-A", when="2026-05-21T06:00:00Z")
    git(path, "commit", "-q", "-m", "chore: regenerate catalogue", when="2026-05-21T06:00:00Z")


# ---- Apps, services and CI runs ----

def stack_of(domain):
    return domain.replace(".", "_")


def app_env(domain, recipe, version, when):
    write(ABRA + "/servers/%s/%s.env" % (SERVER, domain),
          "TYPE=%s:%s\nDOMAIN=%s\nLETS_ENCRYPT_ENV=production\nSECRET_DB_PASSWORD_VERSION=v1\n"
          "SMTP_PASSWORD=never-stored-%s\n" % (recipe, version, domain, nix_hash(domain)[:12]), when)


def teardown(domain):
    path = real(ABRA + "/servers/%s/%s.env" % (SERVER, domain))
    if os.path.exists(path):
        os.remove(path)


def labels(stack, recipe, version, chaos_version):
    out = {"com.docker.stack.namespace": stack, "coop-cloud.%s.recipe" % stack: recipe,
           "coop-cloud.%s.version" % stack: version, "coop-cloud.%s.timeout" % stack: "300"}
    if chaos_version:
        out["coop-cloud.%s.chaos" % stack] = "true"
        out["coop-cloud.%s.chaos-version" % stack] = chaos_version
    else:
        out["coop-cloud.%s.chaos" % stack] = "false"
    return out


def spec(name, image, service_labels, order="start-first"):
    return {
        "Name": name, "Labels": service_labels,
        "TaskTemplate": {"ContainerSpec": {"Image": image, "Env": ["DISCOURSE_DB_PASSWORD=never-stored-pw"],
                                           "Secrets": [{"SecretName": name + "_smtp_v1"}]},
                         "Resources": {}, "RestartPolicy": {"Condition": "on-failure", "MaxAttempts": 3},
                         "ForceUpdate": 0, "Runtime": "container"},
        "Mode": {"Replicated": {"Replicas": 1}},
        "UpdateConfig": {"Parallelism": 1, "FailureAction": "rollback", "Monitor": 5000000000,
                         "MaxFailureRatio": 0, "Order": order},
        "RollbackConfig": {"Parallelism": 1, "FailureAction": "pause", "Monitor": 5000000000,
                           "MaxFailureRatio": 0, "Order": "stop-first"},
        "EndpointSpec": {"Mode": "vip"},
    }


def service(name, created, updated, current, previous=None, status=None, index=100):
    out = {"ID": nix_hash(name)[:25], "Version": {"Index": index}, "CreatedAt": created, "UpdatedAt": updated,
           "Spec": current, "Endpoint": {"Spec": {"Mode": "vip"}}}
    if previous:
        out["PreviousSpec"] = previous
    if status:
        out["UpdateStatus"] = status
    return out


def infra_services():
    return [service("traefik_app", "2026-04-01T09:00:00.000000000Z", "2026-05-18T10:41:02.512334719Z",
                    spec("traefik_app", "traefik:v2.11", {"com.docker.stack.namespace": "traefik"}, "stop-first")),
            service("drone_app", "2026-04-01T09:05:00.000000000Z", "2026-05-18T10:41:09.118273001Z",
                    spec("drone_app", "drone/drone:2.24", {"com.docker.stack.namespace": "drone"}, "stop-first"))]


def warm_stacks():
    """rcust-phase stacks left running from ~06-09: the host's heavier load."""
    out = []
    for domain, recipe, version, image in (("kc-rcust-3f2a.ci.commoninternet.net", "keycloak", "7.0.0+25.0.1", "keycloak/keycloak:25.0.1"),
                                           ("n8n-rcust-91c0.ci.commoninternet.net", "n8n", "1.3.0+1.45.1", "n8nio/n8n:1.45.1"),
                                           ("lasuite-rcust-77de.ci.commoninternet.net", "lasuite-docs", "0.4.0+1.2.0", "lasuite/docs:1.2.0")):
        stack = stack_of(domain)
        out.append(service(stack + "_app", "2026-06-09T14:02:11.338201874Z", "2026-06-09T14:02:11.338201874Z",
                           spec(stack + "_app", image, labels(stack, recipe, version, None))))
    return out


def run_results(run_id, recipe, ref, level, started, finished, upgrade, failure=None, pr="2"):
    tiers = {"install": "pass", "upgrade": upgrade, "backup": "pass", "restore": "pass", "custom": "pass"}
    rungs = {"install": "pass", "upgrade": upgrade, "backup_restore": "pass", "functional": "pass", "lint": "pass"}
    results = {"recipe": recipe, "ref": ref, "pr": pr, "level": level, "tiers": tiers, "rungs": rungs,
               "clean_teardown": True, "no_secret_leak": True, "started": ts(started), "finished": ts(finished)}
    if failure:
        results["failures"] = {"upgrade": failure}
    write(RUNS + "/%s/results.json" % run_id, json.dumps(results, indent=1), finished)


def hc1_failure(stamp, head):
    return ("AssertionError: upgrade deployed chaos commit '%s', not the intended PR-head '%s' — the re-checkout to "
            "the code under test failed, so the upgrade is not exercising the PR's changes (HC1)" % (stamp, head))


# ---- The story, in time order ----

DISC = "disc-ae10f0.ci.commoninternet.net"
DISC_STACK = stack_of(DISC)
N8N = "n8n-c41e07.ci.commoninternet.net"
KC = "kc-5b9d3a.ci.commoninternet.net"


def short(recipe, index):
    return COMMITS[recipe][index][:8]


def story():
    """(time, what) pairs: host events and snapshots, applied in order."""
    E, H = 1, 10  # discourse: tag 0.7.0+3.3.1, and the PR head 9 commits past it
    base, head = short("discourse", E), short("discourse", H)
    disc_svc = DISC_STACK + "_app"
    image = "bitnami/discourse:3.5.0"

    def disc_spec(stamp, version, order="start-first"):
        return spec(disc_svc, image, labels(DISC_STACK, "discourse", version, stamp), order)

    events = [("2026-05-02T00:00:00Z", lambda: None)]
    for number, created, abra in GENERATIONS:
        events.append((created, lambda n=number, c=created, a=abra: make_generation(n, c, a)))
    for recipe, commit, when in (("discourse", H, "2026-06-04T12:00:00Z"), ("n8n", 2, "2026-06-06T11:00:00Z"),
                                 ("keycloak", 2, "2026-06-07T11:00:00Z")):
        events.append((when, lambda r=recipe, c=commit, w=when: (fetch(r, w), checkout(r, c, w))))

    # Run 184 (2026-06-05): old harness, canonical checkout, clean worktree; upgrade green.
    events += [
        ("2026-06-05T04:05:00Z", lambda: checkout("discourse", E, "2026-06-05T04:05:00Z")),
        ("2026-06-05T04:06:00Z", lambda: app_env(DISC, "discourse", "0.7.0+3.3.1", "2026-06-05T04:06:00Z")),
        ("2026-06-05T04:20:00Z", lambda: checkout("discourse", H, "2026-06-05T04:20:00Z")),
        ("2026-06-05T04:58:00Z", lambda: teardown(DISC)),
        ("2026-06-05T05:00:00Z", lambda: run_results("184", "discourse", COMMITS["discourse"][H][:12], 4,
                                                     "2026-06-05T04:00:00Z", "2026-06-05T05:00:00Z", "pass")),
        ("2026-05-28T12:00:00Z", lambda: run_results("47", "n8n", COMMITS["n8n"][1][:12], 4,
                                                     "2026-05-28T11:00:00Z", "2026-05-28T12:00:00Z", "pass")),
        ("2026-06-08T13:00:00Z", lambda: run_results("155", "keycloak", COMMITS["keycloak"][2][:12], 4,
                                                     "2026-06-08T12:00:00Z", "2026-06-08T13:00:00Z", "pass")),
    ]
    # The new harness's overlay: an untracked compose.ccci.yml in the checkout (+U).
    events.append(("2026-06-10T05:31:00Z", lambda: write(ABRA + "/recipes/discourse/compose.ccci.yml",
                                                         "services:\n  app:\n    deploy:\n      resources: {}\n",
                                                         "2026-06-10T05:31:00Z")))
    # Run m2p-discourse (06-10): base deploy, re-checkout to head, chaos redeploy; Swarm rolls back.
    events += [
        ("2026-06-10T05:32:00Z", lambda: app_env(DISC, "discourse", "0.7.0+3.3.1", "2026-06-10T05:32:00Z")),
        ("2026-06-10T05:35:00Z", lambda: checkout("discourse", E, "2026-06-10T05:35:00Z")),
        ("2026-06-10T05:45:00Z", lambda: checkout("discourse", H, "2026-06-10T05:45:00Z")),
        ("2026-06-10T05:47:00Z", lambda: (app_env(N8N, "n8n", "1.3.0+1.45.1", "2026-06-10T05:00:00Z"),
                                          app_env(KC, "keycloak", "7.0.0+25.0.1", "2026-06-10T05:20:00Z"))),
        ("2026-06-10T06:30:00Z", lambda: teardown(N8N)),
        ("2026-06-10T06:30:01Z", lambda: run_results("162", "n8n", COMMITS["n8n"][2][:12], 4,
                                                     "2026-06-10T05:00:00Z", "2026-06-10T06:30:00Z", "pass")),
        ("2026-06-10T06:40:00Z", lambda: teardown(KC)),
        ("2026-06-10T06:40:01Z", lambda: run_results("187", "keycloak", COMMITS["keycloak"][2][:12], 4,
                                                     "2026-06-10T05:20:00Z", "2026-06-10T06:40:00Z", "pass")),
        ("2026-06-10T06:58:00Z", lambda: teardown(DISC)),
        ("2026-06-10T07:00:00Z", lambda: run_results("m2p-discourse", "discourse", COMMITS["discourse"][H][:12], 1,
                                                     "2026-06-10T05:30:00Z", "2026-06-10T07:00:00Z", "fail",
                                                     hc1_failure(base + "+U", COMMITS["discourse"][H][:12]))),
        # The A/B run on the old harness at the same ref fails the same way (harness-neutral).
        ("2026-06-11T09:05:00Z", lambda: checkout("discourse", E, "2026-06-11T09:05:00Z")),
        ("2026-06-11T09:15:00Z", lambda: checkout("discourse", H, "2026-06-11T09:15:00Z")),
        ("2026-06-11T10:30:00Z", lambda: run_results("ab-discourse-7ae7b0f-oldmain", "discourse",
                                                     COMMITS["discourse"][H][:12], 1, "2026-06-11T09:00:00Z",
                                                     "2026-06-11T10:30:00Z", "fail",
                                                     hc1_failure(base + "+U", COMMITS["discourse"][H][:12]))),
        # Run 450 (06-11, after the fix: stop-first overlay): level 5, upgrade green.
        ("2026-06-11T17:26:00Z", lambda: (app_env(DISC, "discourse", "0.7.0+3.3.1", "2026-06-11T17:26:00Z"),
                                          checkout("discourse", E, "2026-06-11T17:26:00Z"))),
        ("2026-06-11T17:30:00Z", lambda: checkout("discourse", H, "2026-06-11T17:30:00Z")),
        ("2026-06-11T17:39:00Z", lambda: teardown(DISC)),
        ("2026-06-11T17:40:31Z", lambda: run_results("450", "discourse", COMMITS["discourse"][H][:12], 5,
                                                     "2026-06-11T17:25:31Z", "2026-06-11T17:40:31Z", "pass")),
    ]

    # What `docker service inspect` showed, per snapshot.
    in_flight = service(disc_svc, "2026-06-10T05:33:02.118734512Z", "2026-06-10T05:48:40.551209814Z",
                        disc_spec(head + "+U", "0.9.0+3.5.0"), disc_spec(base + "+U", "0.7.0+3.3.1"),
                        {"State": "updating", "StartedAt": "2026-06-10T05:48:40.702154903Z",
                         "Message": "update in progress"}, index=2291)
    rolled_back = service(disc_svc, "2026-06-10T05:33:02.118734512Z", "2026-06-10T05:50:12.390118227Z",
                          disc_spec(base + "+U", "0.7.0+3.3.1"), None,
                          {"State": "rollback_completed", "StartedAt": "2026-06-10T05:48:40.702154903Z",
                           "CompletedAt": "2026-06-10T05:50:12.390118227Z", "Message": "rollback completed"},
                          index=2307)
    good_184 = service(disc_svc, "2026-06-05T04:07:12.004418230Z", "2026-06-05T04:25:31.771203388Z",
                       disc_spec(head, "0.9.0+3.5.0"), disc_spec(base, "0.7.0+3.3.1"),
                       {"State": "completed", "StartedAt": "2026-06-05T04:25:31.771203388Z",
                        "CompletedAt": "2026-06-05T04:27:03.118220461Z", "Message": "update completed"}, index=1840)
    fixed_450 = service(disc_svc, "2026-06-11T17:27:02.331987455Z", "2026-06-11T17:31:05.009832716Z",
                        disc_spec(head + "+U", "0.9.0+3.5.0", "stop-first"), disc_spec(base + "+U", "0.7.0+3.3.1", "stop-first"),
                        {"State": "completed", "StartedAt": "2026-06-11T17:31:05.009832716Z",
                         "CompletedAt": "2026-06-11T17:33:40.551002914Z", "Message": "update completed"}, index=2544)

    def peer(domain, recipe, version, created):
        stack = stack_of(domain)
        return service(stack + "_app", created, created, spec(stack + "_app", recipe + ":" + version,
                                                               labels(stack, recipe, version, None)),
                       None, {"State": "completed", "StartedAt": created, "CompletedAt": created,
                              "Message": "update completed"}, index=2200)

    peers = [peer(N8N, "n8n", "1.3.0+1.45.1", "2026-06-10T05:03:10.220193004Z"),
             peer(KC, "keycloak", "7.0.0+25.0.1", "2026-06-10T05:22:41.903355512Z")]
    infra, warm = infra_services(), warm_stacks()

    # Nightly snapshots at 03:00 and captures taken by the harness during runs.
    snapshots = [
        ("2026-06-05T03:00:00Z", "nightly", infra),
        ("2026-06-05T04:26:00Z", "capture", infra + [good_184]),
        ("2026-06-07T03:00:00Z", "nightly", infra),
        ("2026-06-09T03:00:00Z", "nightly", infra),
        ("2026-06-10T03:00:00Z", "nightly", infra + warm),
        ("2026-06-10T05:49:00Z", "capture", infra + warm + peers + [in_flight]),
        ("2026-06-10T05:51:00Z", "capture", infra + warm + peers + [rolled_back]),
        ("2026-06-11T03:00:00Z", "nightly", infra + warm),
        ("2026-06-11T17:32:00Z", "capture", infra + warm + [fixed_450]),
        ("2026-06-12T03:00:00Z", "nightly", infra + warm),
    ]
    # What ../dstamp-nightly/generate.py replays to forensic watch.
    dumps = {"disc_spec": disc_spec, "in_flight": in_flight, "rolled_back": rolled_back, "peers": peers,
             "infra": infra, "warm": warm, "base": base, "head": head, "disc_svc": disc_svc}
    return events, snapshots, dumps


def snapshot(db, at, kind, services):
    dump = WORK + "/inspect-%s.json" % at.replace(":", "")
    with open(dump, "w") as f:
        json.dump(services, f, indent=1)
    args = [FORENSIC, "snapshot", "--db", db, "--root", ROOT, "--home", HOME, "--host", HOST, "--at", at,
            "--runs-dir", RUNS, "--docker-json", dump, "--mirror-url", MIRRORS + "/{recipe}.git"]
    if kind == "capture":  # what the harness saved: the services, nothing else
        args += ["--only", "swarm"]
    # This story's captures are of `docker service inspect` dumps, not of a
    # daemon with an event buffer (../dstamp-nightly reads events too).
    args += ["--skip", "swarm-events"]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("forensic snapshot at %s failed (%d):\n%s%s" % (at, result.returncode, result.stdout, result.stderr))


class exclusive:
    """The host lives at a fixed path (its paths are in the bundles): two runs
    at once (two test suites, two checkouts) take turns rather than share it.
    The lock is on the directory that holds it, so nothing is left behind."""

    def __init__(self, work):
        self.fd = os.open(os.path.dirname(work), os.O_RDONLY)

    def __enter__(self):
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        os.close(self.fd)  # releases the lock


def main():
    with exclusive(WORK):
        if os.path.exists(WORK):
            shutil.rmtree(WORK)
        try:
            build_case()
        finally:  # leaves nothing behind: a root-owned WORK fails the next run as another user
            shutil.rmtree(WORK, ignore_errors=True)


def build_case():
    os.makedirs(ROOT + "/etc")
    write("/etc/hostname", HOST + "\n")
    build_upstreams()
    clone_checkouts()
    build_catalogue()
    events, snapshots, _ = story()
    db = WORK + "/dstamp.db"
    timeline = sorted([(ts(t), 0, i, fn) for i, (t, fn) in enumerate(events)] +
                      [(ts(t), 1, i, (t, kind, svc)) for i, (t, kind, svc) in enumerate(snapshots)],
                      key=lambda e: (e[0], e[1], e[2]))
    for _, is_snapshot, _, what in timeline:
        if is_snapshot:
            snapshot(db, *what)
        else:
            what()
    for old in os.listdir(OUT):
        if old.endswith(".json"):
            os.remove(os.path.join(OUT, old))
    listing = json.loads(subprocess.run([FORENSIC, "list", "--db", db, "--json"], capture_output=True, text=True,
                                        check=True).stdout)["snapshots"]
    for entry in sorted(listing, key=lambda s: s["taken_at"]):
        bundle = json.loads(subprocess.run([FORENSIC, "export", str(entry["id"]), "--db", db], capture_output=True,
                                           text=True, check=True).stdout)
        # Collection took real, varying time: pin it so the bundles are reproducible.
        bundle["finished_at"] = bundle["taken_at"]
        unseal(bundle)
        name = "%02d-%s.json" % (entry["id"], entry["taken_at"].replace(":", ""))
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(bundle, f, indent=1, ensure_ascii=False)
            f.write("\n")
    print("wrote %d bundles to %s" % (len(listing), OUT))


if __name__ == "__main__":
    main()
