//===- LowerParallelDispatch.cpp - g4-lower-parallel-dispatch -------------===//
//
// In the LLVM dialect a task's memref arguments are plain scalars (pointers, offsets,
// sizes, strides), so they pack into one stack struct that the runtime hands back to
// the trampoline as `void *ctx`. Trampolines and dispatchers get internal rather than
// private linkage: both stay local to the object, but internal ones keep their names in
// its symbol table, so a profiler (perf, the benchmark's dispatch profile) can say which
// dispatch site a sample or a call belongs to.
//
//===----------------------------------------------------------------------===//

#include "passes/Parallel/Passes.h"

#include "mlir/IR/ImplicitLocOpBuilder.h"

#define DEBUG_TYPE "g4-lower-parallel-dispatch"

namespace g4 {
#define GEN_PASS_DEF_LOWERPARALLELDISPATCHPASS
#include "passes/Parallel/Passes.h.inc"
} // namespace g4

using namespace mlir;

namespace g4 {
namespace {

/// trampoline(ctx, index): unpack {count, args...} and call task(index, count, args...).
LLVM::LLVMFuncOp buildTrampoline(OpBuilder &moduleBuilder, LLVM::LLVMFuncOp dispatch,
                                 LLVM::LLVMFuncOp task, LLVM::LLVMStructType packed) {
  MLIRContext *ctx = dispatch.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, i64});
  auto tramp = LLVM::LLVMFuncOp::create(moduleBuilder, dispatch.getLoc(),
                                        (dispatch.getName() + "_trampoline").str(), type,
                                        LLVM::Linkage::Internal);
  Block *body = tramp.addEntryBlock(moduleBuilder);
  ImplicitLocOpBuilder b(dispatch.getLoc(), OpBuilder::atBlockBegin(body));
  Value args = body->getArgument(0), index = body->getArgument(1);
  SmallVector<Value> callArgs{index};
  for (auto [field, fieldType] : llvm::enumerate(packed.getBody())) {
    Value address = LLVM::GEPOp::create(b, ptr, packed, args,
                                        ArrayRef<LLVM::GEPArg>{0, int32_t(field)});
    callArgs.push_back(LLVM::LoadOp::create(b, fieldType, address));
  }
  LLVM::CallOp::create(b, task, callArgs);
  LLVM::ReturnOp::create(b, ValueRange{});
  return tramp;
}

/// dispatch(parallel, count, args...): pack, then parallel_for or a serial loop.
void buildDispatchBody(OpBuilder &moduleBuilder, LLVM::LLVMFuncOp dispatch,
                       LLVM::LLVMFuncOp tramp, LLVM::LLVMStructType packed) {
  MLIRContext *ctx = dispatch.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto parallelType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr}); // g4_parallel_t
  Location loc = dispatch.getLoc();

  Block *entry = dispatch.addEntryBlock(moduleBuilder);
  Region &region = dispatch.getBody();
  Block *checkFn = new Block(), *runParallel = new Block(), *serialHead = new Block(),
        *serialBody = new Block(), *done = new Block();
  for (Block *block : {checkFn, runParallel, serialHead, serialBody, done})
    region.push_back(block);
  serialHead->addArgument(i64, loc);

  ImplicitLocOpBuilder b(loc, OpBuilder::atBlockBegin(entry));
  Value parallel = entry->getArgument(0), count = entry->getArgument(1);
  Value one = LLVM::ConstantOp::create(b, i64, b.getI64IntegerAttr(1));
  Value args = LLVM::AllocaOp::create(b, ptr, packed, one);
  for (unsigned field = 0; field < packed.getBody().size(); ++field) {
    Value address = LLVM::GEPOp::create(b, ptr, packed, args,
                                        ArrayRef<LLVM::GEPArg>{0, int32_t(field)});
    LLVM::StoreOp::create(b, entry->getArgument(1 + field), address);
  }
  Value null = LLVM::ZeroOp::create(b, ptr);
  Value zero = LLVM::ConstantOp::create(b, i64, b.getI64IntegerAttr(0));
  Value noPool = LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::eq, parallel, null);
  LLVM::CondBrOp::create(b, noPool, serialHead, ValueRange{zero}, checkFn, ValueRange{});

  b.setInsertionPointToStart(checkFn);
  Value fnAddress = LLVM::GEPOp::create(b, ptr, parallelType, parallel, ArrayRef<LLVM::GEPArg>{0, 1});
  Value fn = LLVM::LoadOp::create(b, ptr, fnAddress);
  Value noFn = LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::eq, fn, null);
  LLVM::CondBrOp::create(b, noFn, serialHead, ValueRange{zero}, runParallel, ValueRange{});

  b.setInsertionPointToStart(runParallel);
  Value poolAddress = LLVM::GEPOp::create(b, ptr, parallelType, parallel, ArrayRef<LLVM::GEPArg>{0, 0});
  Value pool = LLVM::LoadOp::create(b, ptr, poolAddress);
  Value trampAddress = LLVM::AddressOfOp::create(b, tramp);
  auto parallelForType =
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, i64, ptr, ptr});
  LLVM::CallOp::create(b, parallelForType, ValueRange{fn, pool, count, trampAddress, args});
  LLVM::BrOp::create(b, done);

  b.setInsertionPointToStart(serialHead);
  Value index = serialHead->getArgument(0);
  Value more = LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::slt, index, count);
  LLVM::CondBrOp::create(b, more, serialBody, done);

  b.setInsertionPointToStart(serialBody);
  LLVM::CallOp::create(b, tramp, ValueRange{args, index});
  LLVM::BrOp::create(b, ValueRange{LLVM::AddOp::create(b, index, one)}, serialHead);

  b.setInsertionPointToStart(done);
  LLVM::ReturnOp::create(b, ValueRange{});
}

struct LowerParallelDispatchPass
    : impl::LowerParallelDispatchPassBase<LowerParallelDispatchPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::LLVMFuncOp> dispatchers;
    for (auto func : module.getOps<LLVM::LLVMFuncOp>())
      if (func->hasAttr("g4.parallel_task"))
        dispatchers.push_back(func);
    for (LLVM::LLVMFuncOp dispatch : dispatchers) {
      auto taskName = dispatch->getAttrOfType<FlatSymbolRefAttr>("g4.parallel_task");
      auto task = module.lookupSymbol<LLVM::LLVMFuncOp>(taskName.getAttr());
      if (!task || !dispatch.isExternal()) {
        dispatch.emitError("g4-lower-parallel-dispatch: no task function ") << taskName;
        return signalPassFailure();
      }
      // {count, task arguments after (index, count)}
      ArrayRef<Type> params = dispatch.getFunctionType().getParams();
      auto packed = LLVM::LLVMStructType::getLiteral(&getContext(), params.drop_front());
      OpBuilder moduleBuilder(dispatch);
      LLVM::LLVMFuncOp tramp = buildTrampoline(moduleBuilder, dispatch, task, packed);
      buildDispatchBody(moduleBuilder, dispatch, tramp, packed);
      dispatch->removeAttr("g4.parallel_task");
      dispatch.setLinkage(LLVM::Linkage::Internal);
    }
  }
};

} // namespace
} // namespace g4
