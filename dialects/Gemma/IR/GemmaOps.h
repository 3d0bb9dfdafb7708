//===- GemmaOps.h - Operations of the gemma dialect --------------*- C++ -*-===//
#ifndef G4_DIALECTS_GEMMA_IR_GEMMAOPS_H
#define G4_DIALECTS_GEMMA_IR_GEMMAOPS_H

#include "dialects/Gemma/IR/GemmaDialect.h"
#include "dialects/Gemma/IR/GemmaTypes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/Gemma/IR/GemmaOps.h.inc"

#endif // G4_DIALECTS_GEMMA_IR_GEMMAOPS_H
