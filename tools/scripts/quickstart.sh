#!/usr/bin/env bash
# The README's first command: installs what is missing, builds g4c, then runs the main
# job on the embedded default: model_defs/gemma4/gemma4-e2b-mini.textproto (the full E2B
# structure at reduced sizes) compiled with deterministic random weights into a native
# executable, which then generates 16 tokens greedily.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
model="$root/model_defs/gemma4/gemma4-e2b-mini.textproto"

bash "$root/tools/scripts/build.sh"

echo
echo "== g4c --emit=summary $model"
"$build/bin/g4c" --emit=summary "$model" | sed -n '1,8p' # sed reads to the end: no SIGPIPE
echo "   ..."
echo
echo "== g4c compile $model --random-weights 1 -o $build/gemma4-e2b-mini"
"$build/bin/g4c" compile "$model" --random-weights 1 -o "$build/gemma4-e2b-mini"
echo
echo "== $build/gemma4-e2b-mini --tokens 2,818,3279,108 --max-new-tokens 16 --greedy"
"$build/gemma4-e2b-mini" --tokens 2,818,3279,108 --max-new-tokens 16 --greedy
