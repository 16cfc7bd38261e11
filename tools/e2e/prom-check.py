#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Strict check of a file in the Prometheus text exposition format 0.0.4,
as node_exporter's textfile collector reads it (tests/43-vaccelctl.sh).

  prom-check.py FILE                      check; print "N families, N samples"
  prom-check.py FILE NAME [LABEL=VALUE...]
                                          check, then print the value of the
                                          one sample NAME with those labels
                                          (it may have more); exit 1 if none
                                          or several match

Rules: only "# HELP" and "# TYPE" comments; every sample's name has a TYPE
line before it, one per name, and a family's samples are contiguous; names
match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* (no
"__" prefix); label values are quoted with only \\\\, \\" and \\n escapes; no
label twice in a sample, no series twice; a counter's name ends in _total
and its values are not negative; values are numbers (or NaN, +Inf, -Inf);
the file ends with a newline.  Any breach: a message naming the line, exit 1.
"""

import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|NaN|[-+]Inf")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


class Bad(Exception):
    pass


def parse_labels(text, i, lineno):
    """Labels from text[i] == "{" on: (dict, index after "}")."""
    labels = {}
    i += 1
    while True:
        if text[i:i + 1] == "}":
            return labels, i + 1
        m = LABEL.match(text, i)
        if not m:
            raise Bad(f"line {lineno}: bad label name at column {i + 1}")
        name = m.group(0)
        if name.startswith("__"):
            raise Bad(f"line {lineno}: label name {name} is reserved")
        if name in labels:
            raise Bad(f"line {lineno}: label {name} twice")
        i = m.end()
        if text[i:i + 2] != '="':
            raise Bad(f'line {lineno}: expected =" after label {name}')
        i += 2
        val = []
        while True:
            if i >= len(text):
                raise Bad(f"line {lineno}: unterminated value of label {name}")
            c = text[i]
            if c == "\\":
                esc = text[i + 1:i + 2]
                if esc not in ("\\", '"', "n"):
                    raise Bad(f"line {lineno}: bad escape \\{esc} in label {name}")
                val.append("\n" if esc == "n" else esc)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise Bad(f"line {lineno}: newline in label {name}")
            else:
                val.append(c)
                i += 1
        labels[name] = "".join(val)
        if text[i:i + 1] == ",":
            i += 1
        elif text[i:i + 1] != "}":
            raise Bad(f"line {lineno}: expected , or }} after label {name}")


def check(text):
    """The samples: [(name, labels, value)]; raises Bad."""
    if text and not text.endswith("\n"):
        raise Bad("the file does not end with a newline")
    types, helps, samples, series = {}, set(), [], set()
    done, current = set(), None
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) < 3 or parts[0] != "#" or parts[1] not in ("HELP", "TYPE"):
                raise Bad(f"line {lineno}: a comment other than # HELP or # TYPE: {line!r}")
            name = parts[2]
            if not NAME.fullmatch(name):
                raise Bad(f"line {lineno}: bad metric name {name!r}")
            if parts[1] == "TYPE":
                if name in types:
                    raise Bad(f"line {lineno}: second TYPE for {name}")
                if len(parts) != 4 or parts[3] not in TYPES:
                    raise Bad(f"line {lineno}: bad type in {line!r}")
                if name in done or name == current:
                    raise Bad(f"line {lineno}: TYPE for {name} after its samples")
                types[name] = parts[3]
            else:
                if name in helps:
                    raise Bad(f"line {lineno}: second HELP for {name}")
                helps.add(name)
                if re.search(r"\\[^\\n]", parts[3] if len(parts) == 4 else ""):
                    raise Bad(f"line {lineno}: bad escape in HELP of {name}")
            continue
        if not line.strip():
            raise Bad(f"line {lineno}: empty line")
        m = NAME.match(line)
        if not m:
            raise Bad(f"line {lineno}: bad metric name at the start of {line!r}")
        name = m.group(0)
        i = m.end()
        labels = {}
        if line[i:i + 1] == "{":
            labels, i = parse_labels(line, i, lineno)
        if line[i:i + 1] != " ":
            raise Bad(f"line {lineno}: expected a space before the value")
        fields = line[i + 1:].split(" ")
        if len(fields) not in (1, 2) or not NUMBER.fullmatch(fields[0]) or \
                (len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1])):
            raise Bad(f"line {lineno}: bad value or timestamp {line[i + 1:]!r}")
        if name not in types:
            raise Bad(f"line {lineno}: sample {name} has no TYPE line before it")
        if name != current:
            if name in done:
                raise Bad(f"line {lineno}: samples of {name} are not together")
            if current:
                done.add(current)
            current = name
        value = float(fields[0])
        if types[name] == "counter":
            if not name.endswith("_total"):
                raise Bad(f"line {lineno}: counter {name} does not end in _total")
            if value < 0:
                raise Bad(f"line {lineno}: counter {name} is negative")
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            raise Bad(f"line {lineno}: series {name}{labels} twice")
        series.add(key)
        samples.append((name, labels, value))
    return samples, types


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        text = f.read()
    try:
        samples, types = check(text)
    except Bad as e:
        print(f"prom-check: {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    if len(sys.argv) == 2:
        print(f"prom-check: {len(types)} families, {len(samples)} samples")
        return 0 if samples else 1
    want = dict(a.split("=", 1) for a in sys.argv[3:])
    hits = [v for n, lab, v in samples
            if n == sys.argv[2] and all(lab.get(k) == v for k, v in want.items())]
    if len(hits) != 1:
        print(f"prom-check: {len(hits)} samples of {sys.argv[2]} with {want}", file=sys.stderr)
        return 1
    v = hits[0]
    print(int(v) if v.is_integer() else v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
