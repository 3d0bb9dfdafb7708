//===- TestSupport.h - Shared helpers of the checkpoint tests ----*- C++ -*-===//
#ifndef G4_TESTS_UNIT_CHECKPOINT_TESTSUPPORT_H
#define G4_TESTS_UNIT_CHECKPOINT_TESTSUPPORT_H

#include "tests/unit/checkpoint/SafetensorsEditor.h"

#include "model_defs/ModelDef.h"

#include "gtest/gtest.h"

#include <string>

namespace g4::test {

inline constexpr const char *kFixtures[] = {"tiny-e2b", "tiny-e4b", "tiny-moe", "tiny-31b"};

/// tests/testdata/<fixture>.
inline std::string fixtureDir(llvm::StringRef fixture) {
  return (G4_TESTDATA_DIR "/" + fixture).str();
}

/// The fixture's ModelDef, imported from its config.json.
inline llvm::Expected<modeldef::ModelDef> fixtureModelDef(llvm::StringRef fixture) {
  return loadModelDef(fixtureDir(fixture));
}

/// The message of a failed Expected; records a test failure if it succeeded.
template <typename T> std::string errorOf(llvm::Expected<T> value) {
  if (value) {
    ADD_FAILURE() << "expected an error, but the call succeeded";
    return "";
  }
  return llvm::toString(value.takeError());
}

/// Fails the test (and returns) unless `expected` holds a value, printing the error.
#define G4_ASSERT_OK(expected) ASSERT_TRUE(bool(expected)) << llvm::toString((expected).takeError())

/// tests/testdata/<fixture>/model.safetensors.
inline std::string fixtureFile(llvm::StringRef fixture) {
  return fixtureDir(fixture) + "/model.safetensors";
}

/// The text-decoder name of `relative`, e.g. "model.language_model.norm.weight".
inline std::string textName(llvm::StringRef relative) {
  return ("model.language_model." + relative).str();
}

} // namespace g4::test

#endif // G4_TESTS_UNIT_CHECKPOINT_TESTSUPPORT_H
