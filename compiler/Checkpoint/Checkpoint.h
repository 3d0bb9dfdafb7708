//===- Checkpoint.h - A Hugging Face checkpoint's tensors --------*- C++ -*-===//
//
// One checkpoint = one or more safetensors shards seen as a single name -> tensor map:
//   - a directory with model.safetensors.index.json (sharded; "weight_map" names the
//     shard of every tensor),
//   - else a directory with model.safetensors,
//   - else a path to a .safetensors file (or to an *.index.json).
// Every shard is opened (and so validated) once; see docs/checkpoints.md.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_CHECKPOINT_CHECKPOINT_H
#define G4_COMPILER_CHECKPOINT_CHECKPOINT_H

#include "compiler/Checkpoint/Safetensors.h"

#include "llvm/ADT/StringMap.h"

#include <memory>
#include <string>
#include <vector>

namespace g4 {

class Checkpoint {
public:
  static constexpr const char *kIndexFileName = "model.safetensors.index.json";
  static constexpr const char *kSingleFileName = "model.safetensors";

  static llvm::Expected<std::unique_ptr<Checkpoint>> open(llvm::StringRef path);

  /// The path given to open().
  llvm::StringRef path() const { return path_; }
  /// The tensor called `name` (full checkpoint name), or null.
  const TensorRecord *lookup(llvm::StringRef name) const;
  /// Every tensor of every shard, sorted by name.
  llvm::ArrayRef<const TensorRecord *> tensors() const { return tensors_; }
  llvm::ArrayRef<std::unique_ptr<SafetensorsFile>> shards() const { return shards_; }

private:
  explicit Checkpoint(std::string path) : path_(std::move(path)) {}
  llvm::Error openIndex(llvm::StringRef indexPath);
  llvm::Error addShard(std::unique_ptr<SafetensorsFile> shard);

  std::string path_;
  std::vector<std::unique_ptr<SafetensorsFile>> shards_;
  std::vector<const TensorRecord *> tensors_;
  llvm::StringMap<const TensorRecord *> byName_;
};

} // namespace g4

#endif // G4_COMPILER_CHECKPOINT_CHECKPOINT_H
