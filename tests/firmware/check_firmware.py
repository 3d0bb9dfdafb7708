#!/usr/bin/env python3
"""The firmware deliverable, end to end, for one fixture and one target.

1. g4c compile FIXTURE --emit=staticlib -o libNAME.a (and NAME.h), --emit=weights.
2. The archive's undefined symbols, after the symbols its own members define, must be
   a subset of the documented list (memcpy, memset): no malloc, stdio, OS calls or libm.
3. A freestanding program (-ffreestanding -nostdlib: freestanding.c is its whole C
   library) links the library, takes the weights from an array in its image and must
   reproduce the fixture's golden argmax (every prompt position) and greedy
   continuation, with the arena between guard pages ("start" and "end" runs) and
   poisoned, and bad calls answered with status codes and messages.
Every failure prints what differed.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

ALLOWED_UNDEFINED = {"memcpy", "memset"}
SENTENCE = "What is the capital of France?"
HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(shlex.quote, cmd))} exited {result.returncode}\n"
                 f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result.stdout


def undefined_symbols(nm, archive):
    """Symbols the archive needs from outside: undefined in a member, defined by none."""
    defined, undefined = set(), set()
    for line in run([nm, "--format=posix", archive]).splitlines():
        fields = line.split()
        if len(fields) < 2 or line.endswith(":"):
            continue
        name, kind = fields[0], fields[1]
        if kind in ("U", "w", "v"):
            undefined.add(name)
        else:
            defined.add(name)
    return undefined - defined


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--g4c", required=True)
    parser.add_argument("--cc", required=True, help="clang, for the freestanding program")
    parser.add_argument("--nm", required=True, help="llvm-nm")
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--target", default="", help="target triple (default: host)")
    parser.add_argument("--run-prefix", default="", help="e.g. qemu-aarch64")
    parser.add_argument("--tokenizer", default="",
                        help="a tokenizer.json for the fixture: also test the text API")
    args = parser.parse_args()

    fixture = os.path.basename(os.path.normpath(args.fixture))
    os.makedirs(args.workdir, exist_ok=True)
    if args.tokenizer:
        # The fixture as a checkpoint with a tokenizer: the library gains its text API.
        checkpoint = os.path.join(args.workdir, "checkpoint")
        os.makedirs(checkpoint, exist_ok=True)
        for name in ("config.json", "model.safetensors", "golden.json"):
            shutil.copy(os.path.join(args.fixture, name), checkpoint)
        shutil.copy(args.tokenizer, os.path.join(checkpoint, "tokenizer.json"))
        args.fixture = checkpoint
    name = re.sub(r"[^A-Za-z0-9_]", "_", fixture)
    os.makedirs(args.workdir, exist_ok=True)
    library = os.path.join(args.workdir, f"lib{name}.a")
    weights = os.path.join(args.workdir, f"{name}.bin")
    target = [f"--target={args.target}"] if args.target else []
    problems = []

    run([args.g4c, "compile", args.fixture, "--emit=staticlib", "-o", library] + target)
    # The blob's layouts are the target's (bf16x8 / q8_0x8 tables on x86).
    run([args.g4c, "compile", args.fixture, "--emit=weights", "-o", weights] + target)
    text_flags = []
    if args.tokenizer:
        section = os.path.join(args.workdir, f"{name}.text")
        run([args.g4c, "compile", args.fixture, "--emit=text", "-o", section])
        text_flags = [f'-DG4_TEST_TEXT="{section}"', f'-DG4_TEST_SENTENCE="{SENTENCE}"',
                      os.path.join(HERE, "text.S")]
    header = os.path.join(args.workdir, f"{name}.h")
    if not os.path.exists(header):
        sys.exit(f"FAIL: g4c did not write {header} next to {library}")

    extra = undefined_symbols(args.nm, library) - ALLOWED_UNDEFINED
    if extra:
        problems.append(f"lib{name}.a needs symbols outside {sorted(ALLOWED_UNDEFINED)}: "
                        f"{sorted(extra)}")
    else:
        print(f"PASS lib{name}.a: undefined symbols within {sorted(ALLOWED_UNDEFINED)}")
    exported = {l.split()[0] for l in run([args.nm, "--format=posix", "--extern-only",
                                          "--defined-only", library]).splitlines()
                if l and not l.endswith(":")}
    api = {s for s in exported if s.startswith(name + "_")}
    if len(api) != 14:
        problems.append(f"expected the 14 {name}_* API functions, found {sorted(api)}")

    golden = json.load(open(os.path.join(args.fixture, "golden.json")))
    prompt, greedy = golden["tokens"], golden["greedy"]
    with open(os.path.join(args.workdir, "prompts.h"), "w") as out:
        out.write("/* Generated from golden.json by check_firmware.py. */\n")
        out.write(f"#define G4_TEST_ARGMAX_PROMPT {len(prompt)}\n")
        out.write(f"#define G4_TEST_GREEDY_PROMPT {len(greedy['prompt'])}\n")
        out.write(f"#define G4_TEST_GREEDY_COUNT {len(greedy['generated'])}\n")
        out.write(f"#define G4_TEST_MAX_PROMPT {max(len(prompt), len(greedy['prompt']))}\n")
        out.write("static const int32_t kArgmaxPrompt[] = {%s};\n" % ", ".join(map(str, prompt)))
        out.write("static const int32_t kGreedyPrompt[] = {%s};\n"
                  % ", ".join(map(str, greedy["prompt"])))

    program = os.path.join(args.workdir, f"firmware-{name}")
    run([args.cc] + target + [
        "-ffreestanding", "-nostdlib", "-static", "-fno-builtin", "-fno-stack-protector",
        "-fno-pic", "-O2", "-fuse-ld=lld", "-Wall", "-Werror",
        f"-I{args.workdir}", f"-I{HERE}", f"-DMODEL={name}", f"-DMODEL_UPPER={name.upper()}",
        f'-DMODEL_HEADER="{name}.h"', f'-DG4_TEST_WEIGHTS="{weights}"',
        os.path.join(HERE, "freestanding.c"), os.path.join(HERE, "firmware_test.c"),
        os.path.join(HERE, "weights.S")] + text_flags + [library, "-o", program])
    print(f"PASS linked a -nostdlib program against lib{name}.a")

    for mode in ("start", "end"):
        cmd = shlex.split(args.run_prefix) + [program, mode]
        result = subprocess.run(cmd, capture_output=True, text=True)
        out = result.stdout
        if result.returncode != 0:
            problems.append(f"[{mode} guard] exit {result.returncode} (a fault means an access "
                            f"outside the arena)\nstdout:\n{out}\nstderr:\n{result.stderr}")
            continue
        lines = {l.split(" ", 1)[0]: l.split(" ", 1)[1] if " " in l else "" for l in out.splitlines()}
        got_argmax = [int(t) for t in lines.get("argmax", "").split()]
        got_greedy = [int(t) for t in lines.get("greedy", "").split()]
        if got_argmax != golden["argmax"]:
            diff = [i for i, (a, b) in enumerate(zip(got_argmax, golden["argmax"])) if a != b]
            problems.append(f"[{mode}] argmax differs at positions {diff}: got {got_argmax}, "
                            f"golden {golden['argmax']}")
        if got_greedy != greedy["generated"]:
            problems.append(f"[{mode}] greedy got {got_greedy}, golden {greedy['generated']}")
        errors = [l for l in out.splitlines() if l.startswith("error ")]
        expected_errors = 5 if args.tokenizer else 4
        if len(errors) != expected_errors or any(len(e.split(" ", 2)) < 3 for e in errors):
            problems.append(f"[{mode}] expected {expected_errors} bad calls with messages, "
                            f"got {errors}")
        if args.tokenizer:
            want = run([args.g4c, "tokenize", "--tokenizer", args.tokenizer],
                       input=SENTENCE + "\n").split()
            got = lines.get("encode", "").split()
            if got != want:
                problems.append(f"[{mode}] NAME_encode gave {got}; g4c tokenize gives {want}")
            if lines.get("decode") != SENTENCE:
                problems.append(f"[{mode}] NAME_decode_text gave {lines.get('decode')!r}, "
                                f"expected {SENTENCE!r}")
            if lines.get("stop") != "1":
                problems.append(f"[{mode}] NAME_is_stop(eos) gave {lines.get('stop')}")
        if "poison ok" not in out:
            problems.append(f"[{mode}] memory outside the arena was written:\n{out}")
        if not problems:
            print(f"PASS [{mode} guard] argmax {len(got_argmax)}/{len(golden['argmax'])} "
                  f"and greedy {len(got_greedy)} equal golden; {lines.get('required')} arena "
                  f"bytes; nothing outside touched")
            for e in errors:
                print(f"     {e}")
            if args.tokenizer:
                print(f"PASS [{mode} guard] text: NAME_encode {lines.get('encode')!r} equals "
                      f"g4c tokenize; decoded one id at a time back to the sentence; "
                      f"eos is a stop id")

    if problems:
        print("\n".join("FAIL " + p for p in problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
