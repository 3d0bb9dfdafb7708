//===- Checkpoint.cpp - A Hugging Face checkpoint's tensors ---------------===//

#include "compiler/Checkpoint/Checkpoint.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <map>

using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

namespace g4 {

namespace {

Error pathError(StringRef path, const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), (path + ": " + message).str());
}

std::string joinPath(StringRef dir, StringRef name) {
  llvm::SmallString<256> joined(dir);
  llvm::sys::path::append(joined, name);
  return std::string(joined);
}

// Tensor name -> shard file name, from an index's "weight_map".
Expected<std::map<std::string, std::string>> readWeightMap(StringRef indexPath) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
      llvm::MemoryBuffer::getFile(indexPath, /*IsText=*/true);
  if (!text)
    return pathError(indexPath, "cannot open: " + text.getError().message());
  Expected<llvm::json::Value> json = llvm::json::parse((*text)->getBuffer());
  if (!json)
    return pathError(indexPath, "not valid JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Object *map = root ? root->getObject("weight_map") : nullptr;
  if (!map)
    return pathError(indexPath, "missing the \"weight_map\" object");
  std::map<std::string, std::string> weightMap;
  for (const auto &[tensor, shard] : *map) {
    std::optional<StringRef> file = shard.getAsString();
    if (!file)
      return pathError(indexPath,
                       "weight_map entry '" + tensor.str() + "' must name a shard file (a string)");
    weightMap[tensor.str()] = file->str();
  }
  return weightMap;
}

} // namespace

Expected<std::unique_ptr<Checkpoint>> Checkpoint::open(StringRef path) {
  std::unique_ptr<Checkpoint> checkpoint(new Checkpoint(path.str()));
  auto openFile = [&](StringRef file) -> Error {
    Expected<std::unique_ptr<SafetensorsFile>> shard = SafetensorsFile::open(file);
    if (!shard)
      return shard.takeError();
    return checkpoint->addShard(std::move(*shard));
  };

  Error err = Error::success();
  if (!llvm::sys::fs::exists(path)) {
    err = pathError(path, "no such file or directory");
  } else if (llvm::sys::fs::is_directory(path)) {
    std::string index = joinPath(path, kIndexFileName);
    std::string single = joinPath(path, kSingleFileName);
    if (llvm::sys::fs::exists(index))
      err = checkpoint->openIndex(index);
    else if (llvm::sys::fs::exists(single))
      err = openFile(single);
    else
      err = pathError(path, "no checkpoint found: looked for " + index + " and " + single);
  } else if (path.ends_with(".index.json")) {
    err = checkpoint->openIndex(path);
  } else {
    err = openFile(path);
  }
  if (err)
    return std::move(err);

  llvm::sort(checkpoint->tensors_,
             [](const TensorRecord *a, const TensorRecord *b) { return a->name < b->name; });
  return std::move(checkpoint);
}

Error Checkpoint::openIndex(StringRef indexPath) {
  Expected<std::map<std::string, std::string>> weightMap = readWeightMap(indexPath);
  if (!weightMap)
    return weightMap.takeError();

  // Open each shard once, in a stable order; remember one tensor that names it.
  std::map<std::string, std::string> shardToTensor;
  for (const auto &[tensor, shard] : *weightMap)
    shardToTensor.try_emplace(shard, tensor);
  StringRef dir = llvm::sys::path::parent_path(indexPath);
  std::map<std::string, std::string> shardPaths;
  for (const auto &[shard, tensor] : shardToTensor) {
    std::string shardPath = joinPath(dir, shard);
    Expected<std::unique_ptr<SafetensorsFile>> file = SafetensorsFile::open(shardPath);
    if (!file)
      return pathError(indexPath, "shard '" + shard + "' (named for tensor '" + tensor +
                                      "') cannot be used: " + llvm::toString(file.takeError()));
    if (Error err = addShard(std::move(*file)))
      return err;
    shardPaths[shard] = shardPath;
  }

  for (const auto &[tensor, shard] : *weightMap) {
    const TensorRecord *record = lookup(tensor);
    if (record && record->file == shardPaths[shard])
      continue;
    std::string where = record ? "; it is in '" + record->file.str() + "'" : "";
    return pathError(indexPath, "tensor '" + tensor + "' is mapped to shard '" + shard +
                                    "', which does not contain it" + where);
  }
  return Error::success();
}

Error Checkpoint::addShard(std::unique_ptr<SafetensorsFile> shard) {
  for (const TensorRecord &record : shard->tensors()) {
    auto [it, inserted] = byName_.try_emplace(record.name, &record);
    if (!inserted)
      return pathError(path_, "tensor '" + record.name + "' is present in two shards: '" +
                                  it->second->file + "' and '" + record.file + "'");
    tensors_.push_back(&record);
  }
  shards_.push_back(std::move(shard));
  return Error::success();
}

const TensorRecord *Checkpoint::lookup(StringRef name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : it->second;
}

} // namespace g4
