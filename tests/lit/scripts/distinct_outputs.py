"""Runs a command N times and reports how many distinct standard outputs it produced.

usage: distinct_outputs.py N command [args...]

Prints "N runs, K distinct output(s)"; exits non-zero only if the command fails.
"""
import hashlib
import subprocess
import sys


def main():
    runs = int(sys.argv[1])
    command = sys.argv[2:]
    digests = set()
    for _ in range(runs):
        result = subprocess.run(command, stdout=subprocess.PIPE, check=True)
        digests.add(hashlib.sha256(result.stdout).hexdigest())
    plural = "output" if len(digests) == 1 else "outputs"
    print(f"{runs} runs, {len(digests)} distinct {plural}")


if __name__ == "__main__":
    main()
