#!/usr/bin/env python3
"""Writes a small checkpoint whose rows are long enough for the banded weight layout.

The fixtures in tests/testdata have rows of at most 192 inputs. The interleaved packed
formats (q8_0x8, q4_0x8) store a matrix with more than 64 blocks per row in bands by
panels (docs/dialects/gemma.md, "Panels"), so no fixture reaches that layout. This
checkpoint keeps the architecture of --base (tiny-31b: dense MLP, k_eq_v on the global
layer, tied table; tiny-moe: MoE beside the dense MLP, here 4 experts of 32, top 2) in 2
layers with a 3168-wide hidden state: 99 blocks, 3 panels of 33 blocks. Its table (64
rows), merged Q/K/V (128 rows), gate/up projections (64 rows) and experts' gate/up (64
rows each) are banded; o_proj and the down projections (64 and 32 inputs) stay plain. The weights are deterministic pseudo-random numbers; there is no
golden output, so check_quantized.py holds it to the compiler's own f32 path (which the
real fixtures hold to their goldens) and to itself across entry points.

The tensor list and shapes come from g4c itself (the params of the gemma IR); the names
get the checkpoint prefix "model.language_model.".
"""
import argparse
import array
import json
import math
import os
import re
import subprocess
import sys

HIDDEN = 3168
TOKENS = [2] + [(7 * i * i + 3 * i + 5) % 61 + 3 for i in range(47)]


def config(base):
    text = dict(base["text_config"])
    text.update({
        "vocab_size": 64,
        "vocab_size_per_layer_input": 64,
        "hidden_size": HIDDEN,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "num_global_key_value_heads": 1,
        "head_dim": 32,
        "global_head_dim": 32,
        "sliding_window": 16,
        "layer_types": ["sliding_attention", "full_attention"],
    })
    if text.get("enable_moe_block"):
        # 4 experts of 32: each expert's gate/up (64 rows of 3168 inputs) banded.
        text.update({"num_experts": 4, "top_k_experts": 2, "moe_intermediate_size": 32})
    out = dict(base)
    out["text_config"] = text
    return out


class Random:
    """SplitMix64: the same numbers on every machine."""

    def __init__(self, seed):
        self.state = seed

    def uniform(self):  # in [-1, 1)
        self.state = (self.state + 0x9E3779B97F4A7C15) & (2**64 - 1)
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
        z ^= z >> 31
        return (z >> 11) / float(1 << 52) - 1.0


def bf16_bytes(values):
    """Round-to-nearest-even bf16, little endian."""
    words = array.array("I", array.array("f", values).tobytes())
    out = array.array("H", ((w + 0x7FFF + ((w >> 16) & 1)) >> 16 for w in words))
    return out.tobytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--g4c", required=True)
    parser.add_argument("--base", required=True,
                        help="the config.json whose architecture to keep (tiny-31b's, tiny-moe's)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with open(args.base) as f:
        cfg = config(json.load(f))
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)

    ir = subprocess.run([args.g4c, os.path.join(args.out, "config.json"), "--emit=mlir"],
                        capture_output=True, text=True)
    if ir.returncode != 0:
        sys.exit(f"g4c could not read the generated config:\n{ir.stderr}")
    params = re.findall(r"gemma\.param @([\w.]+) : tensor<([\dx]+)xbf16>", ir.stdout)
    if not params:
        sys.exit("g4c printed no bf16 params for the generated config")
    header, data = {}, bytearray()
    for name, dims in params:
        shape = [int(d) for d in dims.split("x")]
        count = math.prod(shape)
        rng = Random(sum(ord(c) * (i + 1) for i, c in enumerate(name)))
        if len(shape) == 1 or "norm" in name or "scalar" in name:
            values = [1.0 + 0.1 * rng.uniform() for _ in range(count)]
        else:
            # Unit-variance outputs: uniform(-a, a) with a = sqrt(3 / fan_in).
            a = math.sqrt(3.0 / shape[-1])
            values = [a * rng.uniform() for _ in range(count)]
        raw = bf16_bytes(values)
        header["model.language_model." + name] = {
            "dtype": "BF16", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(args.out, "model.safetensors"), "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + data)
    with open(os.path.join(args.out, "tokens.json"), "w") as f:
        json.dump({"tokens": TOKENS}, f)
    print(f"wrote {args.out}: {len(params)} tensors, {len(data)} bytes")


if __name__ == "__main__":
    main()
