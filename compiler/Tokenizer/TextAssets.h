//===- TextAssets.h - What an executable needs to take text -------*- C++ -*-===//
//
// A checkpoint directory's tokenizer.json, generation_config.json and chat template,
// read at compile time into the executable's text section (runtime/g4rt/abi/model_abi.h:
// g4_text_header_t + the packed tokenizer): the tokenizer packed, the sampling defaults,
// the stop ids resolved from the tokenizer and the configs, and whether the chat
// template opens each model turn with an empty thought. docs/tokenizer.md §8.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_TOKENIZER_TEXTASSETS_H
#define G4_COMPILER_TOKENIZER_TEXTASSETS_H

#include "compiler/Tokenizer/TokenizerPacker.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace g4 {

/// Sampling defaults. Without a generation_config.json: temperature 1.0, top-k 64,
/// top-p 0.95 (Gemma's). A generation_config.json sets what it has; fields it lacks take
/// Hugging Face's GenerationConfig defaults (temperature 1.0, top_k 50, top_p 1.0,
/// do_sample false = greedy), as transformers would.
struct GenerationDefaults {
  float temperature = 1.0f;
  int32_t topK = 64;
  float topP = 0.95f;
  bool greedy = false;
  bool fromFile = false;
  /// generation_config.json's eos_token_id (one id or a list).
  std::vector<int64_t> eosTokenIds;
};

/// Parses `text`, the generation_config.json named `path` (for messages).
llvm::Expected<GenerationDefaults> parseGenerationConfig(llvm::StringRef text,
                                                         llvm::StringRef path);

/// Whether a chat template (Jinja source) opens the generation prompt with an empty
/// thought when thinking is off (Gemma 4's 26B/31B templates).
bool templateHasEmptyThought(llvm::StringRef chatTemplate);

struct TextAssets {
  PackedTokenizer tokenizer;
  uint32_t tokenCount = 0;
  GenerationDefaults generation;
  /// Generation ends when one of these is sampled (1 .. G4_TEXT_MAX_STOP_IDS).
  std::vector<int32_t> stopIds;
  bool emptyThought = false;
};

/// Checks a packed tokenizer against the model (no more ids than `vocabSize`; `path`
/// names it in messages) and resolves the stop ids: the model's `eosTokenId`,
/// generation's eosTokenIds, and the tokenizer's "<eos>" and "<turn|>" when it has them.
llvm::Expected<TextAssets> makeTextAssets(PackedTokenizer tokenizer, GenerationDefaults generation,
                                          bool emptyThought, int64_t vocabSize, int32_t eosTokenId,
                                          llvm::StringRef path);

/// Reads `dir`/tokenizer.json (none: std::nullopt, and nothing else is read),
/// `dir`/generation_config.json and the chat template (`dir`/chat_template.jinja, else
/// tokenizer_config.json's chat_template) when present. A file that is present but
/// broken is an error naming it.
llvm::Expected<std::optional<TextAssets>> loadTextAssets(llvm::StringRef dir, int64_t vocabSize,
                                                         int32_t eosTokenId);

/// The text section: g4_text_header_t, then the packed tokenizer.
std::string buildTextSection(const TextAssets &assets);

} // namespace g4

#endif // G4_COMPILER_TOKENIZER_TEXTASSETS_H
