#!/usr/bin/env python3
"""Compiles docs/cli.md into the binary: `forensic --help` prints its opening
section and `forensic CMD --help` the section headed `## forensic CMD`, so the
manual and the help can never disagree."""
import sys

source, output = sys.argv[1], sys.argv[2]
sections, name, lines = {}, "", []
for line in open(source, encoding="utf-8").read().splitlines():
    if line.startswith("## forensic "):
        sections[name] = "\n".join(lines).strip() + "\n"
        name, lines = line[len("## forensic "):].strip(), [line[3:]]
    elif line.startswith("# ") and not sections and not lines:
        lines = [line[2:]]
    else:
        lines.append(line)
sections[name] = "\n".join(lines).strip() + "\n"

def literal(text):
    # Raw strings split so no delimiter can collide with the text (compilers
    # cap a literal's length), and apart: `)help"R` would read R as a suffix.
    return " ".join('R"help(%s)help"' % text[i:i + 4000] for i in range(0, len(text), 4000)) or '""'

with open(output, "w", encoding="utf-8") as out:
    out.write('// Generated from docs/cli.md by tools/embed_help.py; do not edit.\n')
    out.write('#include "help_text.hpp"\n\nnamespace forensic::cli {\n\n')
    out.write('const std::vector<std::pair<std::string_view, std::string_view>>& help_sections()\n{\n')
    out.write('    static const std::vector<std::pair<std::string_view, std::string_view>> all = {\n')
    for key, text in sections.items():
        out.write('        {"%s", %s},\n' % (key, literal(text)))
    out.write('    };\n    return all;\n}\n\n} // namespace forensic::cli\n')
