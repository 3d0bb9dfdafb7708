#!/usr/bin/env python3
"""Writes a copy of Gemma 3's tokenizer.json with Gemma 4's special tokens.

  make_gemma4_tokenizer.py IN_TOKENIZER_JSON OUT_TOKENIZER_JSON

Gemma 4's markers (shared/docs/gemma4-architecture.md §7: <|turn>, <turn|>, <|channel>,
<|image|>, ...) take the ids Gemma 4 gives them; the Gemma 3 piece at that id (an
<unusedN> token, <start_of_turn>, ...) is renamed in the vocabulary and in added_tokens,
and the token is marked special. Nothing else changes, so ordinary text encodes as with
Gemma 3. The result is generated at test time (tokenizer.fetch), never committed.
"""
import json
import sys

GEMMA4_SPECIAL = [
    ("<|tool>", 46), ("<tool|>", 47), ("<|tool_call>", 48), ("<tool_call|>", 49),
    ("<|tool_response>", 50), ("<tool_response|>", 51), ('<|"|>', 52), ("<|think|>", 98),
    ("<|channel>", 100), ("<channel|>", 101), ("<|turn>", 105), ("<turn|>", 106),
    ("<|image>", 255999), ("<|audio>", 256000), ("<|image|>", 258880), ("<|audio|>", 258881),
    ("<image|>", 258882), ("<audio|>", 258883), ("<|video|>", 258884),
]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        tokenizer = json.load(f)
    vocab = tokenizer["model"]["vocab"]
    by_id = {i: piece for piece, i in vocab.items()}
    merged_pieces = set()
    for merge in tokenizer["model"]["merges"]:
        left, right = merge if isinstance(merge, list) else merge.split(" ", 1)
        merged_pieces.update((left, right, left + right))
    added = {token["id"]: token for token in tokenizer["added_tokens"]}
    renames = {}
    for content, token_id in GEMMA4_SPECIAL:
        if content in vocab:
            sys.exit("%s is already piece %d" % (content, vocab[content]))
        old = by_id[token_id]
        if old in merged_pieces:
            sys.exit("piece %r (id %d) takes part in merges" % (old, token_id))
        renames[old] = content
        token = added.setdefault(token_id, {"id": token_id, "single_word": False,
                                            "lstrip": False, "rstrip": False,
                                            "normalized": False})
        token["content"] = content
        token["special"] = True
    # Rebuild the vocabulary in its order with the renamed pieces.
    tokenizer["model"]["vocab"] = {renames.get(piece, piece): i for piece, i in vocab.items()}
    tokenizer["added_tokens"] = sorted(added.values(), key=lambda token: token["id"])
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
