#!/usr/bin/env python3
"""Writes a small Gemma 4-shaped tokenizer.json whose vocabulary fits a tiny model.

  make_tiny_tokenizer.py OUT [--vocab-size N]     (default 512: the tiny-e2b fixture's)

The shared fixtures (tests/testdata) are tiny models with 384 or 512 ids, far fewer than
Gemma's 262,144, so the real tokenizer cannot go with them. This one keeps what the
executables' text path relies on, in Gemma 4's layout (shared/docs/gemma4-architecture.md
§7) and with Gemma's component shapes (normalizer ' ' -> U+2581, BPE with byte fallback,
<bos> from the post-processor):

  0 <pad>  1 <eos>  2 <bos>  3 <unk>                       special
  46-52 <|tool> ... <|"|>, 98 <|think|>, 100 <|channel>,
  101 <channel|>, 105 <|turn>, 106 <turn|>                  special, Gemma 4's ids
  107 "\\n", 108 "\\n\\n"                                    added, not special
  the last 256 ids: <0x00> .. <0xFF>                        byte fallback
  every other id: U+2581 and printable ASCII, then the pieces of BPE merges learnt
  (deterministically) from the English text below, most frequent pair first.

So any text encodes (characters outside ASCII through their bytes), the chat markers
are single tokens, and common English words are a few tokens each. The output is
deterministic; tests/text/tiny-gemma4-tokenizer.json is this script's output for 512
(the ctest text.tiny_tokenizer checks they agree).
"""
import argparse
import json
import sys

METASPACE = "\u2581"

SPECIAL = [("<pad>", 0), ("<eos>", 1), ("<bos>", 2), ("<unk>", 3)]
MARKERS = [
    ("<|tool>", 46), ("<tool|>", 47), ("<|tool_call>", 48), ("<tool_call|>", 49),
    ("<|tool_response>", 50), ("<tool_response|>", 51), ('<|"|>', 52), ("<|think|>", 98),
    ("<|channel>", 100), ("<channel|>", 101), ("<|turn>", 105), ("<turn|>", 106),
]
NEWLINES = [("\n", 107), ("\n\n", 108)]

TRAINING_TEXT = """
The model reads a prompt and writes an answer one token at a time. Each token is a
piece of text: a word, a part of a word, a space or a single byte. The tokenizer turns
the text into these pieces, and the model turns the pieces into the next piece. When the
model has said what it wants to say, it ends its turn, and the user can ask the next
question. A good answer is short and clear. The weather today is sunny and warm, so we
will walk to the river and then go home for dinner. What is the capital of France? The
capital of France is Paris. How many days are there in a week? There are seven days in a
week. Please tell me a story about a small robot that learns to sing. Once upon a time,
there was a little robot who lived in a quiet town by the sea. Every morning it listened
to the birds and tried to sing their songs. Hello! How are you? I am fine, thank you.
What would you like to know? Write a short poem about the moon and the stars in the night
sky. This is a test of the system, and the system should answer the user in the same
language that the user writes in. You are a helpful assistant.
"""


def train_merges(text, count):
    """BPE on the words of `text` (split before each U+2581), the most frequent adjacent
    pair first, ties to the smallest pair, until the merges made `count` distinct pieces:
    the merges as (left, right) strings and the new pieces in order."""
    text = " ".join(text.split()).replace(" ", METASPACE)
    words = {}
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or text[i] == METASPACE:
            word = tuple(text[start:i])
            words[word] = words.get(word, 0) + 1
            start = i
    merges = []
    pieces = []
    while len(pieces) < count:
        pairs = {}
        for word, n in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] = pairs.get(pair, 0) + n
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        if best[0] + best[1] not in pieces:
            pieces.append(best[0] + best[1])
        merged = {}
        for word, n in words.items():
            out = []
            i = 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + n
        words = merged
    return merges, pieces


def build(vocab_size):
    fixed = {i: piece for piece, i in SPECIAL + MARKERS + NEWLINES}
    byte_base = vocab_size - 256
    if byte_base <= max(fixed):
        sys.exit("--vocab-size %d leaves no room below the byte pieces" % vocab_size)
    free_ids = [i for i in range(byte_base) if i not in fixed]
    characters = [METASPACE] + [chr(c) for c in range(33, 127)]
    if len(free_ids) < len(characters):
        sys.exit("--vocab-size %d has no room for the %d characters" % (vocab_size, len(characters)))
    merges, learnt = train_merges(TRAINING_TEXT, len(free_ids) - len(characters))
    pieces = characters + learnt
    if len(pieces) != len(free_ids):
        sys.exit("the training text yields only %d pieces" % len(learnt))
    vocab = {}
    for i in range(vocab_size):
        if i in fixed:
            piece = fixed[i]
        elif i >= byte_base:
            piece = "<0x%02X>" % (i - byte_base)
        else:
            piece = pieces[free_ids.index(i)]
        vocab[piece] = i
    added = []
    for piece, i in sorted(SPECIAL + MARKERS + NEWLINES, key=lambda item: item[1]):
        added.append({"id": i, "content": piece, "single_word": False, "lstrip": False,
                      "rstrip": False, "normalized": False,
                      "special": (piece, i) not in NEWLINES})
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": METASPACE},
        "pre_tokenizer": {"type": "Split", "pattern": {"String": " "},
                          "behavior": "MergedWithPrevious", "invert": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<bos>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<bos>", "type_id": 1}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<bos>": {"id": "<bos>", "ids": [2], "tokens": ["<bos>"]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": METASPACE}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>",
                  "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [[left, right] for left, right in merges]},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--vocab-size", type=int, default=512)
    args = parser.parse_args()
    text = json.dumps(build(args.vocab_size), ensure_ascii=False, indent=1)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
