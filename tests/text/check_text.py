#!/usr/bin/env python3
"""End-to-end check of text in compiled executables (--prompt, --chat, --system).

usage: check_text.py --g4c PATH --fixture DIR --tokenizer JSON --workdir DIR
                     [--target TRIPLE --run-prefix "qemu-aarch64 -L ..."]
       check_text.py --g4c PATH --fixture DIR --tokenizer JSON --workdir DIR --expect-mismatch

The fixture (a tiny checkpoint of tests/testdata, without a tokenizer) is copied into the
work directory with the tokenizer (tests/text/tiny-gemma4-tokenizer.json, whose 512 ids fit
tiny-e2b) and a generation_config.json, and compiled. Checks:
  1. --help describes the embedded tokenizer and the generation defaults;
  2. --prompt (run from a copy of the executable alone in another directory): its prompt
     ids are `g4c tokenize --add-bos` of the text; its generated ids are those of --tokens
     with the same ids, up to the first stop id; the text printed is `g4c detokenize` of
     them;
  3. --chat over two scripted turns: the first turn's ids are the chat template's text
     encoded; the second feeds only its own tokens at the position where the first answer
     ended, and answers what --tokens answers given the whole conversation (the KV cache
     was kept); --system puts the system turn first;
  4. --seed: the same seed gives the same text, other seeds other texts;
  5. the fixture compiled without a tokenizer takes --tokens only: --prompt is an error;
  6. a broken tokenizer.json and one with more ids than the model are compile errors
     naming the file.
With --expect-mismatch only the last part runs, with the given (large) tokenizer.
Prints the tokenizer's load time inside the executable. The exit status is the number of
failed checks.
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys

TEXT = "What is the capital of France?"
STOP_IDS = {1, 106}  # the fixture's eos, and <turn|> (generation_config below lists both)
GENERATION_CONFIG = ('{"bos_token_id": 2, "do_sample": true, "eos_token_id": [1, 106], '
                     '"pad_token_id": 0, "temperature": 1.0, "top_k": 64, "top_p": 0.95}')


def run(cmd, stdin=None):
    """Runs `cmd`; stdout stays bytes (a tiny random model prints any bytes), stderr is text."""
    r = subprocess.run(cmd, capture_output=True,
                       input=stdin.encode() if isinstance(stdin, str) else stdin)
    r.stderr = r.stderr.decode("utf-8", errors="replace")
    return r


class Checker:
    def __init__(self):
        self.failures = 0

    def check(self, name, problems):
        if problems:
            self.failures += 1
            print(f"FAIL {name}")
            for p in problems[:20]:
                print(f"  {p}")
        else:
            print(f"PASS {name}")


def ids_of(line):
    if isinstance(line, bytes):
        line = line.decode()
    return [int(x) for x in line.split()]


def stderr_line(err, prefix):
    """The rest of the first stderr line starting with `prefix`, or None."""
    for line in err.splitlines():
        if line.startswith(prefix):
            return line[len(prefix):]
    return None


def until_stop(ids):
    """The ids up to and including the first stop id."""
    for i, token in enumerate(ids):
        if token in STOP_IDS:
            return ids[:i + 1]
    return ids


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--g4c", required=True)
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--target")
    parser.add_argument("--run-prefix", default="")
    parser.add_argument("--expect-mismatch", action="store_true")
    args = parser.parse_args()
    prefix = shlex.split(args.run_prefix)
    target = [f"--target={args.target}"] if args.target else []
    c = Checker()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)

    def checkpoint(name, tokenizer_text=None, tokenizer_path=None, generation=True):
        path = os.path.join(args.workdir, name)
        shutil.copytree(args.fixture, path)
        if tokenizer_path:
            shutil.copy(tokenizer_path, os.path.join(path, "tokenizer.json"))
        if tokenizer_text is not None:
            with open(os.path.join(path, "tokenizer.json"), "w") as f:
                f.write(tokenizer_text)
        if generation:
            with open(os.path.join(path, "generation_config.json"), "w") as f:
                f.write(GENERATION_CONFIG)
        return path

    def compile_error(name, problems, expected, **kwargs):
        source = checkpoint(name, **kwargs)
        r = run([args.g4c, "compile", source, "-o", os.path.join(args.workdir, name + ".exe")]
                + target + ["--random-weights", "1"])
        tokenizer = os.path.join(source, "tokenizer.json")
        if r.returncode == 0:
            problems.append(f"{name}: g4c compile succeeded")
        for text in [tokenizer] + expected:
            if text not in r.stderr:
                problems.append(f"{name}: the error does not name '{text}': {r.stderr.strip()}")

    if args.expect_mismatch:
        problems = []
        compile_error("mismatch", problems,
                      ["the tokenizer has 262", "more than the model's vocab_size of"],
                      tokenizer_path=args.tokenizer)
        c.check("a tokenizer larger than the model is a compile error", problems)
        return c.failures

    # Compile the checkpoint with its tokenizer; run a copy of the executable alone.
    source = checkpoint("checkpoint", tokenizer_path=args.tokenizer)
    built = os.path.join(args.workdir, "model")
    r = run([args.g4c, "compile", source, "-o", built] + target)
    if r.returncode != 0:
        print(f"FAIL compile: {r.stderr}")
        return 1
    alone = os.path.join(args.workdir, "elsewhere")
    os.makedirs(alone)
    exe = os.path.join(alone, "model")
    shutil.copy(built, exe)
    shutil.rmtree(source)  # nothing may be read from the checkpoint at run time
    tokenizer = args.tokenizer

    def model(*flags, stdin=None):
        return run(prefix + [exe] + list(flags), stdin=stdin)

    def tokenize(text, bos=False):
        r = run([args.g4c, "tokenize", "--tokenizer", tokenizer, "--whole"]
                + (["--add-bos"] if bos else []), stdin=text)
        return ids_of(r.stdout)

    def detokenize(ids):
        r = run([args.g4c, "detokenize", "--tokenizer", tokenizer],
                stdin=" ".join(map(str, ids)) + "\n")
        return r.stdout[:-1]  # bytes

    def greedy_tokens(ids, n):
        r = model("--tokens", ",".join(map(str, ids)), "--greedy", "--max-new-tokens", str(n))
        return ids_of(r.stdout) if r.returncode == 0 else None

    # 1. --help.
    r = model("--help")
    problems = []
    for text in ["--prompt TEXT", "--chat", "--system TEXT",
                 "text: tokenizer of 512 ids; defaults from generation_config.json: "
                 "temperature 1, top-k 64, top-p 0.95; stops at id 1, 106"]:
        if text.encode() not in r.stdout:
            problems.append(f"--help lacks '{text}'")
    c.check("--help describes the tokenizer and the generation defaults", problems)

    # 2. --prompt against --tokens.
    problems = []
    r = model("--prompt", TEXT, "--greedy", "--max-new-tokens", "24", "--verbose")
    if r.returncode != 0:
        problems.append(f"--prompt failed: {r.stderr}")
    else:
        prompt = ids_of(stderr_line(r.stderr, "prompt ids: ") or "")
        generated = ids_of(stderr_line(r.stderr, "generated ids: ") or "")
        load = stderr_line(r.stderr, "tokenizer: ")
        print(f"  tokenizer: {load}")
        expected_prompt = tokenize(TEXT, bos=True)
        if prompt != expected_prompt:
            problems.append(f"prompt ids {prompt}, g4c tokenize --add-bos gives {expected_prompt}")
        reference = greedy_tokens(expected_prompt, 24)
        if reference is None or generated != until_stop(reference):
            problems.append(f"generated {generated}, --tokens gives {reference}")
        shown = [t for t in generated if t not in STOP_IDS]
        if r.stdout != detokenize(shown) + b"\n":
            problems.append(f"printed {r.stdout!r}, the ids decode to {detokenize(shown)!r}")
        print(f"  --prompt {TEXT!r} printed {r.stdout!r}")
    c.check("--prompt encodes, generates what --tokens does, prints the decoded text", problems)

    # 3. --chat: two turns, the KV cache kept; --system.
    problems = []
    budget = 6
    r = model("--chat", "--greedy", "--max-new-tokens", str(budget), "--verbose",
              stdin="Hello\nWhat is the capital of France?\n")
    turns = [line for line in r.stderr.splitlines() if line.startswith("turn ")]
    answers = [ids_of(line[len("generated ids: "):]) for line in r.stderr.splitlines()
               if line.startswith("generated ids: ")]
    if r.returncode != 0 or len(turns) != 2 or len(answers) != 2:
        problems.append(f"--chat failed or did not run two turns: {r.stderr}")
    else:
        turn1 = ids_of(turns[0].rsplit(": ", 1)[1])
        expected1 = tokenize("<bos><|turn>user\nHello<turn|>\n<|turn>model\n")
        if turn1 != expected1:
            problems.append(f"turn 1 ids {turn1}, the template encodes to {expected1}")
        # The first answer is in the cache but for its last token when the budget ran out.
        # (A stop id is neither fed nor pending: the next turn's text starts with <turn|>.)
        first = answers[0]
        stopped = bool(first) and first[-1] in STOP_IDS
        fed = first[:-1]
        pending = [] if stopped or not first else [first[-1]]
        head, rest = turns[1].rsplit(": ", 1)
        turn2 = ids_of(rest)
        position = len(turn1) + len(fed)
        expected2 = pending + tokenize(
            "<turn|>\n<|turn>user\nWhat is the capital of France?<turn|>\n<|turn>model\n")
        if head != f"turn 2: {len(expected2)} tokens at position {position}" or turn2 != expected2:
            problems.append(f"turn 2 '{head}': {turn2}; expected {len(expected2)} tokens at "
                            f"position {position}: {expected2}")
        reference = greedy_tokens(turn1 + fed + turn2, budget)
        if reference is None or answers[1] != until_stop(reference):
            problems.append(f"the second answer {answers[1]}, --tokens over the whole "
                            f"conversation gives {reference}")
        texts = [detokenize([t for t in a if t not in STOP_IDS]) for a in answers]
        if r.stdout != texts[0] + b"\n" + texts[1] + b"\n":
            problems.append(f"printed {r.stdout!r}, the answers decode to {texts}")
    r = model("--chat", "--system", "You are terse.", "--greedy", "--max-new-tokens", "2",
              "--verbose", stdin="Hi\n")
    turn = stderr_line(r.stderr, "turn 1: ")
    expected = tokenize("<bos><|turn>system\nYou are terse.<turn|>\n<|turn>user\nHi<turn|>\n"
                        "<|turn>model\n")
    if r.returncode != 0 or turn is None or ids_of(turn.split(": ", 1)[1]) != expected:
        problems.append(f"--system: turn 1 '{turn}', expected {expected}; {r.stderr}")
    c.check("--chat keeps the KV cache across turns; --system formatting", problems)

    # 4. Seeds.
    problems = []
    def sampled(seed):
        r = model("--prompt", TEXT, "--max-new-tokens", "12", "--seed", str(seed),
                  "--temperature", "1.5")
        if r.returncode != 0:
            problems.append(f"--seed {seed}: {r.stderr}")
        return r.stdout
    first = sampled(5)
    if sampled(5) != first:
        problems.append("--seed 5 twice gave different texts")
    if len({first, sampled(6), sampled(7), sampled(8)}) < 2:
        problems.append("seeds 5..8 all gave the same text")
    c.check("--seed reproduces the sampled text", problems)

    # 5. Without a tokenizer: --tokens only.
    problems = []
    plain_source = checkpoint("plain", generation=False)
    plain = os.path.join(args.workdir, "plain-model")
    r = run([args.g4c, "compile", plain_source, "-o", plain] + target)
    if r.returncode != 0:
        problems.append(f"compile without a tokenizer failed: {r.stderr}")
    else:
        r = run(prefix + [plain, "--prompt", TEXT])
        if r.returncode != 2 or "--prompt needs a tokenizer" not in r.stderr or r.stdout:
            problems.append(f"--prompt without a tokenizer: exit {r.returncode}, {r.stderr!r}")
        r = run(prefix + [plain, "--tokens", "2,86", "--greedy", "--max-new-tokens", "3"])
        if r.returncode != 0 or len(r.stdout.split()) != 3:
            problems.append(f"--tokens without a tokenizer: {r.stdout!r} {r.stderr!r}")
    c.check("a checkpoint without tokenizer.json compiles; --prompt is a clear error", problems)

    # 6. Compile errors naming the file.
    problems = []
    compile_error("broken", problems, ["not valid JSON"], tokenizer_text="{\"model\": ")
    large = os.path.join(args.workdir, "large-tokenizer.json")
    maker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_tiny_tokenizer.py")
    subprocess.run([sys.executable, maker, large, "--vocab-size", "600"], check=True)
    compile_error("too-large", problems,
                  ["the tokenizer has 600 ids, more than the model's vocab_size of 512"],
                  tokenizer_path=large)
    c.check("a broken or too large tokenizer.json is a compile error naming it", problems)
    return c.failures


if __name__ == "__main__":
    sys.exit(main())
