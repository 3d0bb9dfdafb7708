//===- TokenizerCommand.h - g4c tokenize / detokenize -------------*- C++ -*-===//
//
//   g4c tokenize   --tokenizer T [--add-bos] [--no-added-tokens]   stdin text -> ids
//                  [--whole] [--no-word-cache]
//   g4c tokenize   --tokenizer T --bench FILE                      speed, load time
//   g4c tokenize   --tokenizer T --write-packed OUT                the packed blob
//   g4c detokenize --tokenizer T [--skip-special]                  stdin ids -> text
//
// T is a tokenizer.json or a packed blob. One output line per input line (the newline
// itself is not part of the line); ids are space-separated, no BOS unless asked. The
// encoding and decoding are the runtime's (runtime/g4rt/text), over the packed form.
// docs/tokenizer.md §5.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_TOKENIZER_TOKENIZERCOMMAND_H
#define G4_COMPILER_TOKENIZER_TOKENIZERCOMMAND_H

namespace g4 {

/// Runs `g4c tokenize` or `g4c detokenize`; argv[0] is the subcommand. Returns the
/// exit status: 0, 1 (an error) or 2 (a command-line mistake).
int runTokenizerCommand(int argc, char **argv);

} // namespace g4

#endif // G4_COMPILER_TOKENIZER_TOKENIZERCOMMAND_H
