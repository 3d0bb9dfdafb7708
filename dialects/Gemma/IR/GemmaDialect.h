//===- GemmaDialect.h - The gemma dialect ------------------------*- C++ -*-===//
#ifndef G4_DIALECTS_GEMMA_IR_GEMMADIALECT_H
#define G4_DIALECTS_GEMMA_IR_GEMMADIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/Gemma/IR/GemmaDialect.h.inc"

#endif // G4_DIALECTS_GEMMA_IR_GEMMADIALECT_H
