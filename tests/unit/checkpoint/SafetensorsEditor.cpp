//===- SafetensorsEditor.cpp - Rewrite safetensors files in tests ---------===//

#include "tests/unit/checkpoint/SafetensorsEditor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace g4::test {

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

uint64_t offset(const llvm::json::Object &entry, size_t i) {
  return *(*entry.getArray("data_offsets"))[i].getAsUINT64();
}

} // namespace

llvm::Expected<SafetensorsImage> SafetensorsImage::read(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path + ": " + buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  uint64_t length = llvm::support::endian::read64le(bytes.data());
  llvm::Expected<llvm::json::Value> header = llvm::json::parse(bytes.substr(8, length));
  if (!header)
    return header.takeError();
  SafetensorsImage image;
  image.header = std::move(*header->getAsObject());
  llvm::StringRef data = bytes.substr(8 + length);
  image.data.assign(data.bytes_begin(), data.bytes_end());
  return image;
}

std::string SafetensorsImage::serialize(std::optional<uint64_t> headerLength) const {
  std::string json;
  llvm::raw_string_ostream(json) << llvm::json::Value(llvm::json::Object(header));
  std::string out(8, '\0');
  llvm::support::endian::write64le(out.data(), headerLength.value_or(json.size()));
  out += json;
  out.append(data.begin(), data.end());
  return out;
}

llvm::Error SafetensorsImage::write(llvm::StringRef path) const {
  return writeFile(path, serialize());
}

llvm::json::Object &SafetensorsImage::entry(llvm::StringRef tensor) {
  llvm::json::Object *object = header.getObject(tensor);
  if (!object) {
    llvm::errs() << "SafetensorsImage: no tensor '" << tensor << "'\n";
    std::abort();
  }
  return *object;
}

void SafetensorsImage::addTensor(llvm::StringRef name, llvm::StringRef dtype,
                                 std::vector<int64_t> shape, size_t bytes) {
  const uint64_t begin = data.size();
  data.resize(data.size() + bytes, 0);
  header[name.str()] = llvm::json::Object{{"dtype", dtype},
                                          {"shape", llvm::json::Array(shape)},
                                          {"data_offsets", llvm::json::Array{begin, data.size()}}};
}

void SafetensorsImage::renamePrefix(llvm::StringRef from, llvm::StringRef to) {
  for (const std::string &name : tensorNames()) {
    llvm::StringRef rest = name;
    if (!rest.consume_front(from))
      continue;
    llvm::json::Value value = std::move(*header.get(name));
    header.erase(name);
    header[(to + rest).str()] = std::move(value);
  }
}

SafetensorsImage SafetensorsImage::select(llvm::function_ref<bool(llvm::StringRef)> keep) const {
  SafetensorsImage out;
  if (const llvm::json::Value *metadata = header.get("__metadata__"))
    out.header["__metadata__"] = *metadata;
  for (const std::string &name : tensorNames()) {
    if (!keep(name))
      continue;
    const llvm::json::Object &old = *header.getObject(name);
    std::vector<int64_t> shape;
    for (const llvm::json::Value &dim : *old.getArray("shape"))
      shape.push_back(*dim.getAsInteger());
    const uint64_t begin = offset(old, 0), end = offset(old, 1);
    out.addTensor(name, *old.getString("dtype"), shape, end - begin);
    std::copy(data.begin() + begin, data.begin() + end, out.data.end() - (end - begin));
  }
  return out;
}

std::vector<std::string> SafetensorsImage::tensorNames() const {
  std::vector<std::string> names;
  for (const auto &entry : header)
    if (entry.first != "__metadata__")
      names.push_back(entry.first.str());
  llvm::sort(names);
  return names;
}

llvm::Error writeFile(llvm::StringRef path, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return fail(path + ": " + ec.message());
  os << bytes;
  return llvm::Error::success();
}

TempDir::TempDir() {
  llvm::SmallString<256> dir;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("g4-checkpoint-test", dir)) {
    llvm::errs() << "cannot create a temp dir: " << ec.message() << "\n";
    std::abort();
  }
  path_ = std::string(dir);
}

TempDir::~TempDir() { llvm::sys::fs::remove_directories(path_); }

std::string TempDir::file(llvm::StringRef name) const {
  llvm::SmallString<256> path(path_);
  llvm::sys::path::append(path, name);
  return std::string(path);
}

} // namespace g4::test
