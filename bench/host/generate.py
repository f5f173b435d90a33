#!/usr/bin/env python3
"""The synthetic host's state before the year begins (all of it dated 2024):
the abra catalogue (a git checkout of recipes.json listing every release of
every recipe), the apps (an env file each) and their Swarm services (an app
and a db service per app, as a saved inspect array), and the CI runs."""
import os

import model as m


def catalogue():
    path = m.ABRA + "/catalogue"
    os.makedirs(path, exist_ok=True)
    m.git("init", "-q", "-b", "main", cwd=path)
    versions = [m.release(i)[0] for i in range(1, m.TAGS + 1)]
    m.write_json(path + "/recipes.json", [m.catalogue_entry(m.recipe_name(r), versions) for r in range(m.RECIPES)])
    m.git("add", "recipes.json", cwd=path, when=1733011200)
    m.git("commit", "-q", "-m", "chore: regenerate catalogue", cwd=path, when=1733011200)


def swarm(commit_ids):
    services = []
    for k in range(m.APPS):
        created = 1733011200 + k * 60
        version, index = m.release(m.TAGS - 1 - k % 3)
        app = m.service(m.stack(k) + "_app", 1000 + k, created, m.app_spec(k, version, commit_ids[index][:8] + "+U"))
        # A third of the apps were upgraded to the newest release since; one
        # upgrade in 25 was rolled back by Swarm.
        if k % 3 == 0:
            newest, newest_index = m.release(m.TAGS)
            m.deploy(app, m.app_spec(k, newest, commit_ids[newest_index][:8] + "+U"), created + 30, k % 25 == 0)
        services.append(app)
        if len(services) < m.SERVICES:
            services.append(m.service(m.stack(k) + "_db", 2000 + k, created, m.db_spec(k)))
        m.write_app_env(k, version, created)
    m.write_json(m.INSPECT, services)


def ci_runs(commit_ids):
    for n in range(1, m.RUNS + 1):
        recipe = m.recipe_name(n % m.RECIPES)
        started = 1733011200 + n * 600
        ref = commit_ids[-1 - n % 5][:12]
        failure = m.hc1_failure(commit_ids[m.release(m.TAGS)[1]][:8] + "+U", ref) if n % 20 == 0 else None
        m.write_run(n, recipe, ref, started, started + 540, failure)


def main():
    commit_ids = m.commits()
    catalogue()
    swarm(commit_ids)
    ci_runs(commit_ids)


if __name__ == "__main__":
    main()
