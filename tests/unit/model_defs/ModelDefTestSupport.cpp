//===- ModelDefTestSupport.cpp - Shared helpers of the ModelDef tests -----===//

#include "ModelDefTestSupport.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

namespace g4::test {

std::string testdataPath(llvm::StringRef relative) {
  return (llvm::Twine(G4_TESTDATA_DIR) + "/" + relative).str();
}

std::string releasedTextprotoPath(llvm::StringRef variant) {
  return (llvm::Twine(G4_SOURCE_DIR) + "/model_defs/gemma4/gemma4-" + variant + ".textproto").str();
}

std::string errorText(llvm::Error err) {
  if (!err) {
    ADD_FAILURE() << "expected an error, got success";
    return "";
  }
  return llvm::toString(std::move(err));
}

TempDir::TempDir() {
  llvm::SmallString<128> dir;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("g4-modeldef-test", dir))
    ADD_FAILURE() << "cannot create a temporary directory: " << ec.message();
  root = std::string(dir);
}

TempDir::~TempDir() {
  if (!root.empty())
    llvm::sys::fs::remove_directories(root);
}

std::string TempDir::write(llvm::StringRef relative, llvm::StringRef contents) const {
  llvm::SmallString<256> file(root);
  llvm::sys::path::append(file, relative);
  if (std::error_code ec = llvm::sys::fs::create_directories(llvm::sys::path::parent_path(file)))
    ADD_FAILURE() << "cannot create the directory of " << file.str().str() << ": " << ec.message();
  std::error_code ec;
  llvm::raw_fd_ostream out(file, ec);
  if (ec)
    ADD_FAILURE() << "cannot write " << file.str().str() << ": " << ec.message();
  else
    out << contents;
  return std::string(file);
}

llvm::json::Value readJson(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    ADD_FAILURE() << path.str() << ": " << buffer.getError().message();
    return nullptr;
  }
  llvm::Expected<llvm::json::Value> value = llvm::json::parse((*buffer)->getBuffer());
  if (!value) {
    ADD_FAILURE() << path.str() << ": " << llvm::toString(value.takeError());
    return nullptr;
  }
  return std::move(*value);
}

} // namespace g4::test
