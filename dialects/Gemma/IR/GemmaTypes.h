//===- GemmaTypes.h - Attributes and types of the gemma dialect --*- C++ -*-===//
#ifndef G4_DIALECTS_GEMMA_IR_GEMMATYPES_H
#define G4_DIALECTS_GEMMA_IR_GEMMATYPES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Types.h"

#include "dialects/Gemma/IR/GemmaEnums.h.inc"


#define GET_ATTRDEF_CLASSES
#include "dialects/Gemma/IR/GemmaAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/Gemma/IR/GemmaTypes.h.inc"

#endif // G4_DIALECTS_GEMMA_IR_GEMMATYPES_H
