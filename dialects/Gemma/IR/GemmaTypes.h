//===- GemmaTypes.h - Attributes and types of the gemma dialect --*- C++ -*-===//
#ifndef G4_DIALECTS_GEMMA_IR_GEMMATYPES_H
#define G4_DIALECTS_GEMMA_IR_GEMMATYPES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Types.h"

#include <optional>

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
/// Rows interleaved per group: 8 for the x8 formats (q8_0x8, q4_0x8, bf16x8, f16x8), 16,
/// 32 and 64 for bf16x16 / f16x16, bf16x32 / f16x32 and bf16x64 / f16x64, 1 otherwise. The group's
/// bytes are those its rows would take in the plain layout, so row ranges aligned to a group keep
/// their offsets.
inline int64_t interleavedRows(WeightFormat format) {
  switch (format) {
  case WeightFormat::bf16x16:
  case WeightFormat::f16x16:
    return 16;
  case WeightFormat::bf16x32:
  case WeightFormat::f16x32:
    return 32;
  case WeightFormat::bf16x64:
  case WeightFormat::f16x64:
    return 64;
  case WeightFormat::q8_0x8:
  case WeightFormat::q4_0x8:
  case WeightFormat::bf16x8:
  case WeightFormat::f16x8:
    return 8;
  default:
    return 1;
  }
}
/// How an 8-row interleaved packed matrix (q8_0x8, q4_0x8) orders its groups' blocks
/// (docs/dialects/gemma.md, "Panels"). Plain: each group's blocks in input order, one
/// group after another. Banded: bands of `bandGroups` groups, and within a band the
/// blocks by panels of `panelBlocks` blocks: panel 0 of each group of the band, then
/// panel 1, ... Decode then reads a band panel by panel, and the panel's quantised x
/// stays in L1 for all the band's groups; in the plain order a group of a long row (a
/// 12288-input q4 projection: 55 KB) pushed x out of L1 before the next group read it.
struct PanelLayout {
  int64_t bandGroups = 1;
  int64_t panelBlocks = 0; // a whole row's blocks when not banded
  bool banded() const { return bandGroups > 1; }
  bool operator==(const PanelLayout &other) const {
    return bandGroups == other.bandGroups && panelBlocks == other.panelBlocks;
  }
  bool operator!=(const PanelLayout &other) const { return !(*this == other); }
};
/// The layout of an interleaved packed matrix of `rows` x `inputs` (inputs % 32 == 0):
/// banded, 4 groups per band, when a row has more than 64 blocks (the kernels' k block
/// of 2048 inputs), `rows` is a multiple of 32 and the blocks split into panels of 16 to
/// 64 blocks (the largest such divisor); plain otherwise.
inline PanelLayout interleavedPanelLayout(int64_t rows, int64_t inputs) {
  constexpr int64_t kBandGroups = 4, kMaxPanelBlocks = 64, kMinPanelBlocks = 16;
  const int64_t blocks = inputs / 32;
  PanelLayout plain{1, blocks};
  if (blocks <= kMaxPanelBlocks || rows % (8 * kBandGroups) != 0)
    return plain;
  for (int64_t panel = kMaxPanelBlocks; panel >= kMinPanelBlocks; --panel)
    if (blocks % panel == 0)
      return {kBandGroups, panel};
  return plain;
}
/// f16 rows in transposed groups (f16x8, f16x16, f16x32, f16x64).
inline bool isInterleavedHalf(WeightFormat format) {
  return format == WeightFormat::f16x8 || format == WeightFormat::f16x16 ||
         format == WeightFormat::f16x32 || format == WeightFormat::f16x64;
}
/// bf16 or f16 rows in transposed groups (bf16x8 ... bf16x64, f16x8 ... f16x64).
inline bool isInterleavedFloat(WeightFormat format) {
  return format == WeightFormat::bf16x8 || format == WeightFormat::bf16x16 ||
         format == WeightFormat::bf16x32 || format == WeightFormat::bf16x64 ||
         isInterleavedHalf(format);
}
/// The interleaved float format with the rows per group of `format` (an interleaved
/// float format) for f16 elements when `half`, for bf16 ones otherwise.
inline WeightFormat interleavedFloatWithElement(WeightFormat format, bool half) {
  switch (interleavedRows(format)) {
  case 8:
    return half ? WeightFormat::f16x8 : WeightFormat::bf16x8;
  case 16:
    return half ? WeightFormat::f16x16 : WeightFormat::bf16x16;
  case 32:
    return half ? WeightFormat::f16x32 : WeightFormat::bf16x32;
  default:
    return half ? WeightFormat::f16x64 : WeightFormat::bf16x64;
  }
}
/// The format with a quarter of the rows per group (bf16x32: bf16x8, bf16x64: bf16x16,
/// and the same for f16): a matrix's fallback when its rows are not a multiple of the
/// larger group.
inline std::optional<WeightFormat> quarterGroupFormat(WeightFormat format) {
  if (!isInterleavedFloat(format) || interleavedRows(format) < 32)
    return std::nullopt;
  return interleavedFloatWithElement(interleavedRows(format) == 32 ? WeightFormat::bf16x8
                                                                   : WeightFormat::bf16x16,
                                     isInterleavedHalf(format));
}
} // namespace g4::gemma

#define GET_ATTRDEF_CLASSES
#include "dialects/Gemma/IR/GemmaAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/Gemma/IR/GemmaTypes.h.inc"

#endif // G4_DIALECTS_GEMMA_IR_GEMMATYPES_H
