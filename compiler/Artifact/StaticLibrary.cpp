//===- StaticLibrary.cpp - The firmware deliverable: libNAME.a + NAME.h ---===//
//
// A static library holds the model object (its ABI symbols renamed NAME_g4_*, so two
// models link into one image, and the NAME_* API as thin functions over the firmware
// runtime), followed by the members of the firmware runtime archives (g4rt_fw, g4rt)
// built for the same target. NAME.h is self-contained: plain C types, the model's
// constants and the API.
//
//===----------------------------------------------------------------------===//

#include "compiler/Artifact/Artifact.h"
#include "runtime/g4rt/abi/model_abi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/Object/Archive.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace g4 {

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// One NAME_* function: its C prototype for the header and how it forwards.
struct ApiFunction {
  const char *suffix;
  const char *prototype; // with NAME_ where the name goes
  const char *comment;
};

const ApiFunction kApi[] = {
    {"required_bytes", "size_t NAME_required_bytes(void)",
     "Bytes of the arena NAME_init needs (= NAME_REQUIRED_BYTES): the context, the KV\n"
     " * cache and the scratch memory, computed at compile time from the memory plan."},
    {"init",
     "int NAME_init(void *arena, size_t arena_bytes, const void *weights,\n"
     "    size_t weights_bytes, const NAME_parallel_t *parallel, char *error,\n"
     "    size_t error_bytes, NAME_t **out_model)",
     "Sets the model up in |arena| (64-byte aligned, at least NAME_REQUIRED_BYTES; the\n"
     " * library never touches memory outside [arena, arena + NAME_REQUIRED_BYTES)) over the\n"
     " * weight blob at |weights| (g4c --emit=weights: its header - magic, version, model\n"
     " * fingerprint, sizes - is checked; its data must be 64-byte aligned, as a blob\n"
     " * placed at a 64-byte aligned address is). |parallel| may be NULL. Returns\n"
     " * NAME_OK or a status code; on failure the reason is written to |error| (up to\n"
     " * |error_bytes| bytes, NUL-terminated) when it is not NULL."},
    {"prefill", "int NAME_prefill(NAME_t *model, const int32_t *tokens, int64_t n, float *logits)",
     "Runs |n| >= 1 tokens at the current position; writes n * NAME_VOCAB_SIZE logits\n"
     " * (row-major) and advances the position by n. Longer prompts than\n"
     " * NAME_MAX_PREFILL_TOKENS run in several calls internally, with the same results."},
    {"prefill_last",
     "int NAME_prefill_last(NAME_t *model, const int32_t *tokens, int64_t n, float *logits)",
     "As NAME_prefill, but writes only the last token's NAME_VOCAB_SIZE logits: the\n"
     " * head runs for that token alone. What generating text needs."},
    {"decode", "int NAME_decode(NAME_t *model, int32_t token, float *logits)",
     "Runs one token; writes NAME_VOCAB_SIZE logits."},
    {"position", "int64_t NAME_position(const NAME_t *model)",
     "Tokens consumed since init or the last reset (the next position)."},
    {"reset", "void NAME_reset(NAME_t *model)", "Starts a new sequence at position 0."},
    {"error", "const char *NAME_error(const NAME_t *model)",
     "Why the last call failed (\"\" after a success)."},
    {"argmax", "int32_t NAME_argmax(const float *logits, int64_t n)",
     "Greedy sampling: the index of the largest of |n| logits (ties: the lowest)."},
    {"text_init", "int NAME_text_init(NAME_t *model, const void *section, size_t bytes)",
     "Text (a model compiled from a checkpoint with a tokenizer.json): loads the text\n"
     " * section g4c --emit=text wrote (the packed tokenizer and generation defaults; 8-byte\n"
     " * aligned, read in place, it must outlive the model). Until it succeeds the model\n"
     " * takes token ids only and the text functions fail with NAME_FAILED_PRECONDITION."},
    {"encode_scratch_bytes", "size_t NAME_encode_scratch_bytes(size_t text_bytes)",
     "Working memory NAME_encode needs for |text_bytes| bytes of text."},
    {"encode",
     "int NAME_encode(NAME_t *model, const char *text, size_t text_bytes, void *scratch,\n"
     "    size_t scratch_bytes, int32_t *ids, size_t capacity, size_t *out_count)",
     "Encodes UTF-8 |text| (no BOS added: prepend NAME_BOS_TOKEN_ID for a prompt) into\n"
     " * |ids|; *out_count gets the number of ids, also when they do not fit |capacity|\n"
     " * (then NAME_OUT_OF_RANGE). |scratch| is the caller's memory, see\n"
     " * NAME_encode_scratch_bytes."},
    {"decode_text",
     "int NAME_decode_text(NAME_t *model, const int32_t *ids, size_t count, char *text,\n"
     "    size_t capacity, size_t *out_length)",
     "Decodes |count| ids into |text| (not NUL-terminated; *out_length is the full\n"
     " * length). One id at a time gives the same bytes as all together: stream tokens as\n"
     " * they are generated."},
    {"is_stop", "int NAME_is_stop(const NAME_t *model, int32_t token)",
     "1 when |token| ends generation (the stop ids of the text section: end of sequence,\n"
     " * end of turn; without text, NAME_EOS_TOKEN_ID)."},
};

/// `void NAME_x(...) { return g4fw_x(leading..., args...); }`, given the g4fw callee's
/// type; `leading` are constants inserted before the arguments.
void addForwarder(llvm::Module &module, llvm::StringRef name, llvm::StringRef callee,
                  llvm::FunctionType *calleeType, llvm::ArrayRef<llvm::Constant *> leading) {
  llvm::SmallVector<llvm::Type *> params(calleeType->params().drop_front(leading.size()));
  auto *type = llvm::FunctionType::get(calleeType->getReturnType(), params, false);
  auto *function = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, name, module);
  llvm::FunctionCallee target = module.getOrInsertFunction(callee, calleeType);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(module.getContext(), "entry", function));
  llvm::SmallVector<llvm::Value *> args(leading.begin(), leading.end());
  for (llvm::Argument &arg : function->args())
    args.push_back(&arg);
  llvm::CallInst *call = b.CreateCall(target, args);
  call->setTailCall();
  if (type->getReturnType()->isVoidTy())
    b.CreateRetVoid();
  else
    b.CreateRet(call);
}

} // namespace

std::vector<std::string> firmwareApiSymbols(llvm::StringRef name) {
  std::vector<std::string> symbols;
  for (const ApiFunction &api : kApi)
    symbols.push_back((name + "_" + api.suffix).str());
  return symbols;
}

std::string firmwareSymbol(llvm::StringRef name, llvm::StringRef abiSymbol) {
  llvm::StringRef base = abiSymbol;
  base.consume_front("_mlir_ciface_");
  return (name + "_" + base).str();
}

void addFirmwareEntryPoints(llvm::Module &module, llvm::StringRef name, int64_t requiredBytes) {
  llvm::LLVMContext &ctx = module.getContext();
  // The ABI symbols get the library's name, so several models link into one image.
  for (const char *abi : {G4_MODEL_INFO_SYMBOL, G4_PREFILL_SYMBOL, G4_DECODE_SYMBOL})
    if (llvm::GlobalValue *value = module.getNamedValue(abi))
      value->setName(firmwareSymbol(name, abi));
  llvm::Constant *info = module.getNamedValue(firmwareSymbol(name, G4_MODEL_INFO_SYMBOL));
  llvm::Constant *prefill = module.getNamedValue(firmwareSymbol(name, G4_PREFILL_SYMBOL));
  llvm::Constant *decode = module.getNamedValue(firmwareSymbol(name, G4_DECODE_SYMBOL));

  auto *ptr = llvm::PointerType::get(ctx, 0);
  auto *i32 = llvm::Type::getInt32Ty(ctx), *i64 = llvm::Type::getInt64Ty(ctx);
  auto *voidType = llvm::Type::getVoidTy(ctx);
  llvm::Type *sizeType = module.getDataLayout().getIntPtrType(ctx);
  auto fn = [](llvm::Type *result, llvm::ArrayRef<llvm::Type *> params) {
    return llvm::FunctionType::get(result, params, false);
  };
  std::string prefix = name.str() + "_";

  // NAME_required_bytes returns the compile-time constant.
  auto *required = llvm::Function::Create(fn(sizeType, {}), llvm::GlobalValue::ExternalLinkage,
                                          prefix + "required_bytes", module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", required));
  b.CreateRet(llvm::ConstantInt::get(sizeType, requiredBytes));

  addForwarder(module, prefix + "init", "g4fw_init",
               fn(i32, {ptr, ptr, ptr, ptr, sizeType, ptr, sizeType, ptr, ptr, sizeType, ptr}),
               {info, prefill, decode});
  addForwarder(module, prefix + "prefill", "g4fw_prefill", fn(i32, {ptr, ptr, i64, ptr}), {});
  addForwarder(module, prefix + "prefill_last", "g4fw_prefill_last", fn(i32, {ptr, ptr, i64, ptr}),
               {});
  addForwarder(module, prefix + "decode", "g4fw_decode", fn(i32, {ptr, i32, ptr}), {});
  addForwarder(module, prefix + "position", "g4fw_position", fn(i64, {ptr}), {});
  addForwarder(module, prefix + "reset", "g4fw_reset", fn(voidType, {ptr}), {});
  addForwarder(module, prefix + "error", "g4fw_error", fn(ptr, {ptr}), {});
  addForwarder(module, prefix + "argmax", "g4fw_argmax", fn(i32, {ptr, i64}), {});
  addForwarder(module, prefix + "text_init", "g4fw_text_init", fn(i32, {ptr, ptr, sizeType}), {});
  addForwarder(module, prefix + "encode_scratch_bytes", "g4fw_encode_scratch_bytes",
               fn(sizeType, {sizeType}), {});
  addForwarder(module, prefix + "encode", "g4fw_encode",
               fn(i32, {ptr, ptr, sizeType, ptr, sizeType, ptr, sizeType, ptr}), {});
  addForwarder(module, prefix + "decode_text", "g4fw_decode_text",
               fn(i32, {ptr, ptr, sizeType, ptr, sizeType, ptr}), {});
  addForwarder(module, prefix + "is_stop", "g4fw_is_stop", fn(i32, {ptr, i32}), {});
}

llvm::Error writeLibraryHeader(llvm::StringRef path, llvm::StringRef name, const ModelFacts &facts,
                               const MemoryPlan &plan, uint64_t fingerprint, int64_t blobBytes,
                               int64_t requiredBytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return error(path + ": " + ec.message());
  std::string upper = llvm::StringRef(name).upper();
  auto substitute = [&](llvm::StringRef text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
      if (text.substr(i).starts_with("NAME")) {
        // NAME_OK and friends are macros (upper case), NAME_init functions (as given).
        bool macro =
            i + 5 < text.size() && text[i + 4] == '_' && (text[i + 5] >= 'A' && text[i + 5] <= 'Z');
        out += macro ? upper : name.str();
        i += 4;
      } else {
        out += text[i++];
      }
    }
    return out;
  };
  auto w64 = [](int64_t v) { return std::to_string(v); };
  std::string guard = upper + "_H_";
  os << "/* " << name << ".h - " << facts.name << " compiled by g4c as a firmware library (lib"
     << name << ".a).\n"
     << " *\n"
     << " * Generated; do not edit. The library needs no heap, no OS and no libm: its only\n"
     << " * undefined symbols are memcpy and memset. All memory is the caller's arena; the\n"
     << " * weights are read in place (g4c --emit=weights writes the blob). See\n"
     << " * docs/firmware.md in the g4c sources.\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stddef.h>\n#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  os << substitute("/* The model. */\n") << "#define " << upper << "_VOCAB_SIZE "
     << w64(facts.vocabSize) << "\n"
     << "#define " << upper << "_MAX_CONTEXT " << w64(facts.maxContext) << "\n"
     << "#define " << upper << "_MAX_PREFILL_TOKENS " << w64(plan.maxPrefillTokens) << "\n"
     << "#define " << upper << "_BOS_TOKEN_ID " << facts.bosTokenId << "\n"
     << "#define " << upper << "_EOS_TOKEN_ID " << facts.eosTokenId << "\n"
     << "/* Memory: the arena (context " << G4_FIRMWARE_CONTEXT_BYTES << " + KV cache "
     << w64(plan.kvBytes) << " + scratch " << w64(plan.scratchBytes) << " bytes). */\n"
     << "#define " << upper << "_REQUIRED_BYTES " << w64(requiredBytes) << "u\n"
     << "/* The weight blob NAME_init takes (g4c --emit=weights), and its identity. */\n"
     << "#define " << upper << "_WEIGHTS_BYTES " << w64(blobBytes) << "u\n"
     << "#define " << upper << "_FINGERPRINT 0x" << llvm::format_hex_no_prefix(fingerprint, 16)
     << "ull\n\n";
  os << substitute(
      "/* Status codes every int-returning function uses. */\n"
      "#define NAME_OK 0\n"
      "#define NAME_INVALID_ARGUMENT 1    /* a NULL pointer, a misaligned arena */\n"
      "#define NAME_OUT_OF_RANGE 2        /* a token id or position past a limit */\n"
      "#define NAME_FAILED_PRECONDITION 3 /* the library and model disagree */\n"
      "#define NAME_RESOURCE_EXHAUSTED 4  /* the arena is too small */\n"
      "#define NAME_DATA_LOSS 5           /* the weight blob is not this model's */\n\n"
      "/* The model's state: lives at the start of the caller's arena. */\n"
      "typedef struct NAME_t NAME_t;\n\n"
      "/* Optional parallelism: the library splits large loops into tasks and hands them\n"
      " * to parallel_for, which must run task(ctx, i) once for every i in [0, count) on any\n"
      " * threads and return when all are done. NULL runs everything on the caller. */\n"
      "typedef struct NAME_parallel_t {\n"
      "  void *pool; /* passed back untouched */\n"
      "  void (*parallel_for)(void *pool, int64_t count,\n"
      "                       void (*task)(void *ctx, int64_t index), void *ctx);\n"
      "} NAME_parallel_t;\n\n");
  for (const ApiFunction &api : kApi)
    os << "/* " << substitute(api.comment) << " */\n" << substitute(api.prototype) << ";\n\n";
  os << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n#endif /* " << guard << " */\n";
  return llvm::Error::success();
}

llvm::Error writeStaticLibrary(llvm::StringRef objectPath, llvm::StringRef outputPath,
                               llvm::StringRef memberName, const LinkOptions &options) {
  llvm::Expected<std::vector<std::string>> archives =
      runtimeArchives(options, "g4rt-firmware-link.txt");
  if (!archives)
    return archives.takeError();
  auto object = llvm::MemoryBuffer::getFile(objectPath);
  if (!object)
    return error(objectPath + ": " + object.getError().message());

  std::vector<llvm::NewArchiveMember> members;
  members.emplace_back((*object)->getMemBufferRef());
  members.back().MemberName = memberName;
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> buffers;
  std::vector<std::unique_ptr<llvm::object::Archive>> opened;
  for (const std::string &path : *archives) {
    auto buffer = llvm::MemoryBuffer::getFile(path);
    if (!buffer)
      return error(path + ": " + buffer.getError().message());
    llvm::Expected<std::unique_ptr<llvm::object::Archive>> archive =
        llvm::object::Archive::create((*buffer)->getMemBufferRef());
    if (!archive)
      return llvm::joinErrors(error(path + ": not a readable archive"), archive.takeError());
    llvm::Error childError = llvm::Error::success();
    for (const llvm::object::Archive::Child &child : (*archive)->children(childError)) {
      llvm::Expected<llvm::NewArchiveMember> member =
          llvm::NewArchiveMember::getOldMember(child, /*Deterministic=*/true);
      if (!member)
        return member.takeError();
      members.push_back(std::move(*member));
    }
    if (childError)
      return childError;
    buffers.push_back(std::move(*buffer));
    opened.push_back(std::move(*archive));
  }
  return llvm::writeArchive(outputPath, members, llvm::SymtabWritingMode::NormalSymtab,
                            llvm::object::Archive::K_GNU, /*Deterministic=*/true,
                            /*Thin=*/false);
}

} // namespace g4
