//===- GemmaTypes.h - Attributes and types of the gemma dialect --*- C++ -*-===//
#ifndef G4_DIALECTS_GEMMA_IR_GEMMATYPES_H
#define G4_DIALECTS_GEMMA_IR_GEMMATYPES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Types.h"

#include "dialects/Gemma/IR/GemmaEnums.h.inc"

namespace g4::gemma {
/// Whether `format` stores blocks of 32 quantised weights (q8_0, q4_0 and their
/// 8-row interleaved forms).
inline bool isPackedFormat(WeightFormat format) {
  return format == WeightFormat::q8_0 || format == WeightFormat::q4_0 ||
         format == WeightFormat::q8_0x8 || format == WeightFormat::q4_0x8;
}
/// 4-bit quanta (q4_0, q4_0x8).
inline bool isQ4Format(WeightFormat format) {
  return format == WeightFormat::q4_0 || format == WeightFormat::q4_0x8;
}
/// Bytes one row spends per 32-weight block: 34 for q8, 18 for q4 (0 unpacked).
inline int64_t packedBlockBytes(WeightFormat format) {
  return !isPackedFormat(format) ? 0 : isQ4Format(format) ? 18 : 34;
}
/// Rows interleaved per group: 8 for the x8 formats (q8_0x8, q4_0x8, bf16x8), 16 for
/// bf16x16, 1 otherwise. The group's bytes are those its rows would take in the plain
/// layout, so row ranges aligned to a group keep their offsets.
inline int64_t interleavedRows(WeightFormat format) {
  if (format == WeightFormat::bf16x16)
    return 16;
  return format == WeightFormat::q8_0x8 || format == WeightFormat::q4_0x8 ||
                 format == WeightFormat::bf16x8
             ? 8
             : 1;
}
/// bf16 rows in transposed groups (bf16x8, bf16x16).
inline bool isInterleavedFloat(WeightFormat format) {
  return format == WeightFormat::bf16x8 || format == WeightFormat::bf16x16;
}
} // namespace g4::gemma

#define GET_ATTRDEF_CLASSES
#include "dialects/Gemma/IR/GemmaAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/Gemma/IR/GemmaTypes.h.inc"

#endif // G4_DIALECTS_GEMMA_IR_GEMMATYPES_H
