//===- Passes.h - Passes local to the gemma dialect --------------*- C++ -*-===//
#ifndef G4_DIALECTS_GEMMA_TRANSFORMS_PASSES_H
#define G4_DIALECTS_GEMMA_TRANSFORMS_PASSES_H

#include "dialects/Gemma/IR/GemmaDialect.h"
#include "mlir/Pass/Pass.h"

namespace g4::gemma {

#define GEN_PASS_DECL
#include "dialects/Gemma/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/Gemma/Transforms/Passes.h.inc"

} // namespace g4::gemma

#endif // G4_DIALECTS_GEMMA_TRANSFORMS_PASSES_H
