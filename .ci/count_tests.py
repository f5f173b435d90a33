#!/usr/bin/env python3
"""Prints the test totals of one or more meson test logs as one line,
"N passed, N failed": doctest cases from each suite's own summary line, one
count for any other meson test (a fuzz run, a script)."""
import json
import re
import sys

summary = re.compile(r"\[doctest\] test cases:\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed")


def count(test):
    """(passed, failed) of one meson test record."""
    cases = summary.findall(test.get("stdout", "") or "")
    if cases:
        _, ok, bad = (int(x) for x in cases[-1])
        crashed = bad == 0 and test.get("result") not in ("OK", "EXPECTEDFAIL")
        return ok, bad + crashed  # a crash or timeout after its last summary fails too
    if test.get("result") in ("OK", "EXPECTEDFAIL"):
        return 1, 0
    if test.get("result") == "SKIP":
        return 0, 0
    return 0, 1


passed = failed = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as log:
        for line in log:
            if line.strip():
                ok, bad = count(json.loads(line))
                passed += ok
                failed += bad
print(f"{passed} passed, {failed} failed")
