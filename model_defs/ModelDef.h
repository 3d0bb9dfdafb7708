//===- ModelDef.h - Load, import and validate ModelDefs ----------*- C++ -*-===//
//
// Every front end that produces a ModelDef: the textproto loader (model_defs/gemma4/),
// the Hugging Face config.json importer, and the validator that checks the numbered
// constraints M1..Mn the rest of the compiler relies on (docs/model-defs.md).
//
// Errors are llvm::Error values whose text names the file, the field or key, what was
// expected and what was found. Nothing here aborts on bad input.
//
//===----------------------------------------------------------------------===//
#ifndef G4_MODEL_DEFS_MODELDEF_H
#define G4_MODEL_DEFS_MODELDEF_H

#include "model_defs/model_def.pb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace g4 {

/// Parses a ModelDef textproto. Syntax errors and unknown fields are reported as
/// "path:line:col: message". Does not validate; see loadModelDef.
llvm::Expected<modeldef::ModelDef> loadModelDefTextproto(llvm::StringRef path);

/// Builds a ModelDef from a Hugging Face config.json, either the
/// Gemma4ForConditionalGeneration layout (decoder under "text_config") or a flat
/// "gemma4_text" config. Every key is type- and range-checked and unknown keys are
/// rejected; per-layer fields are derived as Hugging Face derives them. The ModelDef is
/// named after the directory holding the file. Does not validate; see loadModelDef.
llvm::Expected<modeldef::ModelDef> importHFConfig(llvm::StringRef configJsonPath);

/// Checks the constraints M1..Mn of docs/model-defs.md. `origin` (usually a file
/// name) starts every message. All violations are reported, one per line.
llvm::Error validateModelDef(const modeldef::ModelDef &def, llvm::StringRef origin);

/// Loads and validates a ModelDef from a checkpoint directory (its config.json), a
/// .json file, or a .textproto/.pbtxt file.
llvm::Expected<modeldef::ModelDef> loadModelDef(llvm::StringRef path);

/// Number of RoPE frequency pairs that rotate in `layer`: floor(factor * head_dim / 2)
/// with the rope of the layer's attention type (factor 1 for DEFAULT). Returns 0 for a
/// layer index out of range.
int rotatedPairs(const modeldef::ModelDef &def, int layer);

} // namespace g4

#endif // G4_MODEL_DEFS_MODELDEF_H
