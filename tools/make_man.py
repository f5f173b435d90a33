#!/usr/bin/env python3
"""Turns docs/cli.md into forensic(1), so the man page, --help and the manual
are one text. Each `## forensic CMD` section becomes a subsection; text is
kept as it is written (no-fill), which suits its aligned option lists."""
import sys

source, output, version = sys.argv[1], sys.argv[2], sys.argv[3]

def roff(line):
    line = line.replace("\\", "\\e")
    if line.startswith((".", "'")):
        line = "\\&" + line
    return line

lines = open(source, encoding="utf-8").read().splitlines()
out = ['.TH FORENSIC 1 "" "forensic %s" "User Commands"' % version,
       ".SH NAME", "forensic \\- find what changed on a host when a version-stamp check starts failing",
       ".SH DESCRIPTION", ".nf"]
for line in lines:
    if line.startswith("# "):
        continue
    if line.startswith("## forensic "):
        out += [".fi", ".SH " + line[3:].upper(), ".nf"]
        continue
    out.append(roff(line))
out += [".fi", ".SH SEE ALSO", "The manual in docs/: schema.md, collectors.md, attribution.md, operations.md."]
open(output, "w", encoding="utf-8").write("\n".join(out) + "\n")
