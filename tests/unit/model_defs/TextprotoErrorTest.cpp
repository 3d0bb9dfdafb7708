//===- TextprotoErrorTest.cpp - Bad ModelDef textprotos -------------------===//
//
// Syntax errors, unknown fields and bad enum names are reported as
// "file:line:col: message"; a well-formed but invalid ModelDef fails validation with
// the file as origin.
//
//===----------------------------------------------------------------------===//

#include "ModelDefTestSupport.h"

#include "model_defs/ModelDef.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace g4::test {
namespace {

using ::testing::HasSubstr;

/// Writes `text` as bad.textproto and returns loadModelDef's error and the file name.
std::pair<std::string, std::string> loadError(const TempDir &dir, llvm::StringRef text) {
  std::string file = dir.write("bad.textproto", text);
  return {errorText(loadModelDef(file).takeError()), file};
}

TEST(TextprotoError, SyntaxErrorHasLineAndColumn) {
  TempDir dir;
  auto [msg, file] = loadError(dir, "name: \"x\"\n"
                                    "text {\n"
                                    "  vocab_size: 12x\n"
                                    "}\n");
  EXPECT_THAT(msg, HasSubstr(file + ":3:17: Need space between number and identifier"));
}

TEST(TextprotoError, UnterminatedMessageNamesEndOfInput) {
  TempDir dir;
  auto [msg, file] = loadError(dir, "name: \"x\"\ntext {\n  vocab_size: 12\n");
  EXPECT_THAT(msg, HasSubstr(file + ":4:1: Expected identifier, got: "));
}

TEST(TextprotoError, UnknownFieldIsNamed) {
  TempDir dir;
  auto [msg, file] = loadError(dir, "text {\n  hidden_sise: 4 }\n");
  EXPECT_THAT(msg, HasSubstr(file + ":2:14: Message type \"g4.modeldef.TextDecoderDef\" has "
                                    "no field named \"hidden_sise\""));
}

TEST(TextprotoError, UnknownEnumValueIsNamed) {
  TempDir dir;
  auto [msg, file] = loadError(dir, "text {\n  layers { attention: LOCAL }\n}\n");
  EXPECT_THAT(msg, HasSubstr(file + ":2:29: Unknown enumeration value of \"LOCAL\" for field "
                                    "\"attention\""));
}

TEST(TextprotoError, FieldOfAnotherMessageIsNamed) {
  TempDir dir;
  // head_dim belongs to LayerDef, not TextDecoderDef.
  auto [msg, file] = loadError(dir, "text { head_dim: 1 }\n");
  EXPECT_THAT(msg, HasSubstr(file + ":1:16: Message type \"g4.modeldef.TextDecoderDef\" has "
                                    "no field named \"head_dim\""));
}

TEST(TextprotoError, NegativeUnsignedIsRejected) {
  TempDir dir;
  auto [msg, file] = loadError(dir, "text {\n  vocab_size: -5\n}\n");
  EXPECT_THAT(msg, HasSubstr(file + ":2:15: Expected integer, got: -"));
}

TEST(TextprotoError, ValidSyntaxInvalidModelNamesFileAndConstraint) {
  TempDir dir;
  auto [msg, file] = loadError(dir, "name: \"x\"\n");
  EXPECT_THAT(msg, HasSubstr(file + ": M2: text.vocab_size = 0: must be > 0"));
}

TEST(TextprotoError, MissingFileIsNamed) {
  TempDir dir;
  std::string file = dir.path() + "/absent.textproto";
  std::string msg = errorText(loadModelDefTextproto(file).takeError());
  EXPECT_THAT(msg, HasSubstr(file + ": cannot read file"));
}

} // namespace
} // namespace g4::test
