//===- GemmaAttrs.td - Enums and attributes of the gemma dialect -*- tablegen -*-===//
#ifndef G4_GEMMA_ATTRS_TD
#define G4_GEMMA_ATTRS_TD

include "dialects/Gemma/IR/GemmaBase.td"
include "mlir/IR/EnumAttr.td"

def Gemma_AttentionKind : I32EnumAttr<"AttentionKind", "attention span of a layer", [
    I32EnumAttrCase<"sliding", 0>,  // causal, the last `window` positions including self
    I32EnumAttrCase<"global", 1>    // causal over the whole context
  ]> {
  let cppNamespace = "::g4::gemma";
  let genSpecializedAttr = 0;
}
def Gemma_AttentionKindAttr : EnumAttr<Gemma_Dialect, Gemma_AttentionKind, "attention_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

def Gemma_RopeKind : I32EnumAttr<"RopeKind", "RoPE frequency layout", [
    I32EnumAttrCase<"default_", 0, "default">,   // every pair rotates
    I32EnumAttrCase<"proportional", 1>           // leading pairs rotate, the rest pass through
  ]> {
  let cppNamespace = "::g4::gemma";
  let genSpecializedAttr = 0;
}

def Gemma_WeightFormat : I32EnumAttr<"WeightFormat", "storage format of a weight matrix", [
    I32EnumAttrCase<"f32", 0>,
    I32EnumAttrCase<"bf16", 1>,
    I32EnumAttrCase<"f16", 2>,
    // Blocks of 32 weights along the input dim: one f16 scale + 32 int8 (34 bytes).
    I32EnumAttrCase<"q8_0", 3>,
    // Blocks of 32 weights along the input dim: one f16 scale + 16 bytes of nibbles (18 bytes).
    I32EnumAttrCase<"q4_0", 4>,
    // q8_0 blocks of 8 consecutive rows interleaved (the x86 kernels' layout): per block,
    // the 8 scales, then the quanta + 128 as u8, 4 inputs of each row in turn (272 bytes).
    I32EnumAttrCase<"q8_0x8", 5>,
    // q4_0 blocks of 8 rows interleaved: the 8 scales, then 4 x 32 bytes of nibbles in
    // which byte 4r + i of group s holds inputs 8s + i (low) and 8s + 4 + i (high) of
    // row r (144 bytes).
    I32EnumAttrCase<"q4_0x8", 6>,
    // bf16 rows in groups of 8, each group transposed: element (8t + r, k) at
    // 8 * K * t + 8 * k + r, so 8 consecutive values are one input of 8 rows.
    I32EnumAttrCase<"bf16x8", 7>,
    // The same with groups of 16 rows (one 512-bit vector of outputs): element
    // (16t + r, k) at 16 * K * t + 16 * k + r.
    I32EnumAttrCase<"bf16x16", 8>,
    // Groups of 32 rows transposed (element (32t + r, k) at 32 * K * t + 32 * k + r):
    // the x86 AVX2 kernels read a group as 4 vectors of 8 outputs from one stream.
    I32EnumAttrCase<"bf16x32", 9>,
    // Groups of 64 rows transposed: 4 vectors of 16 outputs (AVX-512) per input.
    I32EnumAttrCase<"bf16x64", 10>,
    // The same four layouts with f16 elements (g4c --weights-format=f16).
    I32EnumAttrCase<"f16x8", 11>,
    I32EnumAttrCase<"f16x16", 12>,
    I32EnumAttrCase<"f16x32", 13>,
    I32EnumAttrCase<"f16x64", 14>
  ]> {
  let cppNamespace = "::g4::gemma";
  let genSpecializedAttr = 0;
}
def Gemma_WeightFormatAttr : EnumAttr<Gemma_Dialect, Gemma_WeightFormat, "weight_format"> {
  let assemblyFormat = "`<` $value `>`";
}

// A float parameter printed and parsed as a plain number (`1.000000e+04`).
def Gemma_FloatParameter : APFloatParameter<"a floating-point value"> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::APFloat> {
    double value;
    if ($_parser.parseFloat(value))
      return ::mlir::failure();
    return ::llvm::APFloat(value);
  }() }];
  let printer = [{ $_printer << $_self.convertToDouble() }];
}

def Gemma_RopeAttr : Gemma_Attr<"Rope", "rope"> {
  let summary = "rotary position embedding of one attention type";
  let description = [{
    Half-split (NeoX) RoPE over a head of dim `d`: dimension `i` pairs with `i + d/2`.
    Pair `i < rotated_pairs` rotates by `pos * theta^(-2i/d)`; the remaining pairs pass
    through unchanged. `default` rotates all `d/2` pairs; `proportional` (Gemma 4 global
    layers) rotates only the leading ones but keeps `d` as the exponent denominator.

    Example: `#gemma.rope<proportional, theta = 1.000000e+06, rotated_pairs = 64>`
  }];
  let parameters = (ins
    EnumParameter<Gemma_RopeKind>:$kind,
    Gemma_FloatParameter:$theta,
    "int64_t":$rotatedPairs
  );
  let assemblyFormat = "`<` $kind `,` `theta` `=` $theta `,` `rotated_pairs` `=` $rotatedPairs `>`";
  let genVerifyDecl = 1;
}

#endif // G4_GEMMA_ATTRS_TD
