//===- ModelInfo.cpp - The g4_model_info constant -------------------------===//
//
// Mirrors g4_model_info_t and g4_kv_buffer_t of runtime/g4rt/abi/model_abi.h field by
// field; LLVM lays the structs out with the C rules of the target's data layout.
//
//===----------------------------------------------------------------------===//

#include "compiler/Artifact/Artifact.h"
#include "runtime/g4rt/abi/model_abi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/GlobalVariable.h"

namespace g4 {

void addModelInfo(llvm::Module &module, const ModelFacts &facts, const MemoryPlan &plan,
                  uint64_t fingerprint) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *i64 = llvm::Type::getInt64Ty(ctx);
  auto *ptr = llvm::PointerType::get(ctx, 0);
  auto c32 = [&](int64_t v) { return llvm::ConstantInt::get(i32, v); };
  auto c64 = [&](int64_t v) { return llvm::ConstantInt::get(i64, v); };

  // g4_kv_buffer_t { i32 layer, i32 is_sliding, i64 capacity, kv_heads, head_dim, offset, bytes }
  auto *kvType = llvm::StructType::create(ctx, {i32, i32, i64, i64, i64, i64, i64}, "g4_kv_buffer_t");
  std::vector<llvm::Constant *> kvEntries;
  for (const KVBufferPlan &kv : plan.kv)
    kvEntries.push_back(llvm::ConstantStruct::get(
        kvType, {c32(kv.layer), c32(kv.sliding), c64(kv.capacity), c64(kv.kvHeads),
                 c64(kv.headDim), c64(kv.offset), c64(kv.bytes)}));
  auto *kvArrayType = llvm::ArrayType::get(kvType, kvEntries.size());
  auto *kvPlan = new llvm::GlobalVariable(module, kvArrayType, /*isConstant=*/true,
                                          llvm::GlobalValue::PrivateLinkage,
                                          llvm::ConstantArray::get(kvArrayType, kvEntries),
                                          "g4_kv_plan");

  llvm::Constant *nameData = llvm::ConstantDataArray::getString(ctx, facts.name);
  auto *name = new llvm::GlobalVariable(module, nameData->getType(), true,
                                        llvm::GlobalValue::PrivateLinkage, nameData,
                                        "g4_model_name");

  auto *infoType = llvm::StructType::create(
      ctx, {i32, i32, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, ptr, i32, i32, i32, i32,
            ptr},
      "g4_model_info_t");
  llvm::Constant *info = llvm::ConstantStruct::get(
      infoType,
      {c32(G4_ABI_VERSION), c32(facts.numLayers), c64(int64_t(fingerprint)), c64(facts.vocabSize),
       c64(facts.hiddenSize), c64(facts.maxContext), c64(facts.slidingWindow),
       c64(plan.weightsBytes), c64(plan.kvBytes), c64(plan.scratchBytes),
       c64(plan.maxPrefillTokens), c64(int64_t(plan.kv.size())), kvPlan,
       c32(facts.bosTokenId), c32(facts.eosTokenId), c32(facts.padTokenId), c32(0), name});
  new llvm::GlobalVariable(module, infoType, true, llvm::GlobalValue::ExternalLinkage, info,
                           G4_MODEL_INFO_SYMBOL);
}

} // namespace g4
