//===- ModelDefSupport.h - Helpers shared by the ModelDef front ends -*- C++ -*-===//
//
// Internal to G4ModelDef: error construction and file reading used by the textproto
// loader, the config.json importer and the validator.
//
//===----------------------------------------------------------------------===//
#ifndef G4_MODEL_DEFS_MODELDEFSUPPORT_H
#define G4_MODEL_DEFS_MODELDEFSUPPORT_H

#include "model_defs/model_def.pb.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace g4::detail {

inline llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// One error holding every message, one per line; success when there are none.
llvm::Error joinMessages(const std::vector<std::string> &messages);

/// Reads a whole file; the error names the file and the OS reason.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef path);

/// Shortest decimal text that reads back as `d` (for "found ..." messages).
std::string formatNumber(double d);

/// Fraction of head_dim whose pairs rotate: always 1 for DEFAULT (the textproto may
/// leave it unset), the stored factor otherwise.
inline double rotaryFactor(const modeldef::RopeDef &rope) {
  return rope.type() == modeldef::DEFAULT ? 1.0 : rope.partial_rotary_factor();
}

/// floor(factor * headDim / 2), as HF's `int(factor * head_dim // 2)`.
int64_t rotatedPairsFor(double factor, uint32_t headDim);

} // namespace g4::detail

#endif // G4_MODEL_DEFS_MODELDEFSUPPORT_H
