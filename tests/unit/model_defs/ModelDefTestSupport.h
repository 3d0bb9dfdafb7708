//===- ModelDefTestSupport.h - Shared helpers of the ModelDef tests -*- C++ -*-===//
#ifndef G4_TESTS_UNIT_MODEL_DEFS_MODELDEFTESTSUPPORT_H
#define G4_TESTS_UNIT_MODEL_DEFS_MODELDEFTESTSUPPORT_H

#include "model_defs/model_def.pb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace g4::test {

/// The four released variants, as in model_defs/gemma4/gemma4-<variant>.textproto.
inline constexpr const char *kVariants[] = {"e2b", "e4b", "26b-a4b", "31b"};
/// The tiny checkpoints under tests/testdata/.
inline constexpr const char *kFixtures[] = {"tiny-e2b", "tiny-e4b", "tiny-moe", "tiny-31b"};

std::string testdataPath(llvm::StringRef relative);
std::string releasedTextprotoPath(llvm::StringRef variant);

/// The message of a failed result; "" (and a test failure) on success.
std::string errorText(llvm::Error err);
template <typename T> std::string errorText(llvm::Expected<T> &result) {
  return errorText(result.takeError());
}

/// A fresh directory removed with everything in it when the object dies.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::string &path() const { return root; }
  /// Writes `contents` to root/relative, creating directories; returns the full path.
  std::string write(llvm::StringRef relative, llvm::StringRef contents) const;

private:
  std::string root;
};

/// Parses a JSON file; a parse failure is a test failure and yields null.
llvm::json::Value readJson(llvm::StringRef path);

} // namespace g4::test

#endif // G4_TESTS_UNIT_MODEL_DEFS_MODELDEFTESTSUPPORT_H
