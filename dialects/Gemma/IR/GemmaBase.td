//===- GemmaBase.td - Base classes of the gemma dialect ----*- tablegen -*-===//
#ifndef G4_GEMMA_BASE_TD
#define G4_GEMMA_BASE_TD

include "dialects/Gemma/IR/GemmaDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Gemma_Op<string mnemonic, list<Trait> traits = []>
    : Op<Gemma_Dialect, mnemonic, traits>;

// Value-semantic ops: no side effects, free to CSE and reorder.
class Gemma_PureOp<string mnemonic, list<Trait> traits = []>
    : Gemma_Op<mnemonic, !listconcat(traits, [Pure])>;

class Gemma_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Gemma_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

class Gemma_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Gemma_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// Activations are f32 tensors; weights are f32/bf16/f16 tensors or packed i8 blocks.
// Ranks are bounded so verifiers can index dims without guarding rank 0.
def Gemma_ActivationTensor : TensorRankOf<[F32], [1, 2, 3, 4]>;
def Gemma_WeightTensor : TensorRankOf<[F32, BF16, F16, I8], [1, 2, 3]>;
def Gemma_TokenTensor : 1DTensorOf<[I32]>;

#endif // G4_GEMMA_BASE_TD
