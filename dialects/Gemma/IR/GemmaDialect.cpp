//===- GemmaDialect.cpp - The gemma dialect -------------------------------===//

#include "dialects/Gemma/IR/GemmaDialect.h"
#include "dialects/Gemma/IR/GemmaOps.h"
#include "dialects/Gemma/IR/GemmaTypes.h"

#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace g4::gemma;

#include "dialects/Gemma/IR/GemmaDialect.cpp.inc"
#include "dialects/Gemma/IR/GemmaEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Gemma/IR/GemmaAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/Gemma/IR/GemmaTypes.cpp.inc"

namespace {
/// Prints `!kv3 = !gemma.kv_cache<layer = 3, ...>` aliases so function signatures stay
/// readable.
struct GemmaOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;

  AliasResult getAlias(Type type, raw_ostream &os) const override {
    if (auto cache = dyn_cast<KVCacheType>(type)) {
      os << "kv" << cache.getLayer();
      return AliasResult::FinalAlias;
    }
    return AliasResult::NoAlias;
  }
};
} // namespace

void GemmaDialect::initialize() {
  addInterfaces<GemmaOpAsmInterface>();
  addOperations<
#define GET_OP_LIST
#include "dialects/Gemma/IR/GemmaOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/Gemma/IR/GemmaTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Gemma/IR/GemmaAttrs.cpp.inc"
      >();
}
