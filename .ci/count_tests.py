#!/usr/bin/env python3
"""Prints the test totals as one line, "N passed, N failed": doctest cases from
each suite's own summary line, one count for any other meson test."""
import json
import re
import sys

summary = re.compile(r"\[doctest\] test cases:\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed")
passed = failed = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        if not line.strip():
            continue
        test = json.loads(line)
        cases = summary.findall(test.get("stdout", "") or "")
        if cases:
            _, ok, bad = (int(x) for x in cases[-1])
            passed += ok
            failed += bad
            if bad == 0 and test.get("result") not in ("OK", "EXPECTEDFAIL"):
                failed += 1  # crashed or timed out after its last summary
        elif test.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"):
            passed += test.get("result") != "SKIP"
        else:
            failed += 1
print(f"{passed} passed, {failed} failed")
