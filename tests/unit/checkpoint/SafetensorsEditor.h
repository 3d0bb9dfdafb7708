//===- SafetensorsEditor.h - Rewrite safetensors files in tests --*- C++ -*-===//
//
// Loads a safetensors file into an editable header + data image and writes it back,
// so each corruption test states only what it changes.
//
//===----------------------------------------------------------------------===//
#ifndef G4_TESTS_UNIT_CHECKPOINT_SAFETENSORSEDITOR_H
#define G4_TESTS_UNIT_CHECKPOINT_SAFETENSORSEDITOR_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>
#include <vector>

namespace g4::test {

/// A safetensors file in memory: its JSON header and its data section.
struct SafetensorsImage {
  llvm::json::Object header;
  std::vector<uint8_t> data;

  static llvm::Expected<SafetensorsImage> read(llvm::StringRef path);

  /// Header length (u64 LE), header JSON, data. `headerLength` overrides the length
  /// field (to corrupt it).
  std::string serialize(std::optional<uint64_t> headerLength = std::nullopt) const;
  llvm::Error write(llvm::StringRef path) const;

  /// The header entry of `tensor`; the tensor must exist.
  llvm::json::Object &entry(llvm::StringRef tensor);
  /// Appends a zero-filled tensor of `bytes` bytes.
  void addTensor(llvm::StringRef name, llvm::StringRef dtype, std::vector<int64_t> shape,
                 size_t bytes);
  /// Replaces the name prefix `from` by `to` in every tensor name that has it.
  void renamePrefix(llvm::StringRef from, llvm::StringRef to);
  /// A new image of the tensors `keep` accepts, with their data repacked.
  SafetensorsImage select(llvm::function_ref<bool(llvm::StringRef)> keep) const;
  /// Tensor names (not __metadata__), sorted.
  std::vector<std::string> tensorNames() const;
};

/// Writes `bytes` to `path`.
llvm::Error writeFile(llvm::StringRef path, llvm::StringRef bytes);

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::string &path() const { return path_; }
  /// path()/name.
  std::string file(llvm::StringRef name) const;

private:
  std::string path_;
};

} // namespace g4::test

#endif // G4_TESTS_UNIT_CHECKPOINT_SAFETENSORSEDITOR_H
