//===- Safetensors.h - Memory-mapped safetensors reader ----------*- C++ -*-===//
//
// Reads one .safetensors file (8-byte little-endian header length, JSON header, raw
// data section) through an mmap. `open` validates the whole header up front, so every
// record it hands out has a dtype, a shape and a byte range that fit the file; tensors
// are never copied. The accepted format and every check are in docs/checkpoints.md.
//
//===----------------------------------------------------------------------===//
#ifndef G4_COMPILER_CHECKPOINT_SAFETENSORS_H
#define G4_COMPILER_CHECKPOINT_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace g4 {

// clang-format off
/// Element types named by the safetensors format. Only F32, BF16 and F16 can be
/// used as weights; the others are recognised so that a file holding them still
/// opens (e.g. an int64 buffer nobody reads).
enum class DType {
  BOOL, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, I16, U16, F16, BF16,
  I32, U32, F32, I64, U64, F64, C64,
};
// clang-format on

/// The dtype spelled `name` in a safetensors header, if it is one.
std::optional<DType> parseDType(llvm::StringRef name);
/// The header spelling of `dtype`, e.g. "BF16".
llvm::StringRef dtypeName(DType dtype);
/// Bytes per element.
unsigned dtypeSize(DType dtype);
/// F32, BF16 or F16: the dtypes weights may have.
bool isFloatWeightDType(DType dtype);

/// One tensor of a safetensors file. Records live as long as their file.
struct TensorRecord {
  std::string name;
  DType dtype;
  llvm::SmallVector<int64_t, 4> shape;
  /// Byte range [begin, end) relative to the start of the data section.
  uint64_t begin = 0;
  uint64_t end = 0;
  /// The file this tensor lives in (for messages).
  llvm::StringRef file;
  /// Start of the file's data section in the mapping.
  const uint8_t *dataSection = nullptr;

  /// The tensor's bytes inside the mapped file (little-endian, row-major).
  llvm::ArrayRef<uint8_t> data() const { return {dataSection + begin, byteSize()}; }
  uint64_t byteSize() const { return end - begin; }
  int64_t numElements() const;
};

/// "[128, 72]"; also used for ParamSpec shapes.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// An open, validated safetensors file.
class SafetensorsFile {
public:
  /// Maps `path` and validates its header; fails with a message naming the file
  /// (and tensor) on anything malformed.
  static llvm::Expected<std::unique_ptr<SafetensorsFile>> open(llvm::StringRef path);

  llvm::StringRef path() const { return path_; }
  /// Tensors sorted by name.
  llvm::ArrayRef<TensorRecord> tensors() const { return tensors_; }
  /// The tensor called `name`, or null.
  const TensorRecord *lookup(llvm::StringRef name) const;
  /// The optional string-to-string `__metadata__` entry.
  const std::map<std::string, std::string> &metadata() const { return metadata_; }
  /// File offset of the data section (8 + header length).
  uint64_t dataOffset() const { return dataOffset_; }
  uint64_t fileSize() const { return buffer_->getBufferSize(); }

private:
  SafetensorsFile(std::string path, std::unique_ptr<llvm::MemoryBuffer> buffer)
      : path_(std::move(path)), buffer_(std::move(buffer)) {}
  llvm::Error parse();

  std::string path_;
  std::unique_ptr<llvm::MemoryBuffer> buffer_;
  uint64_t dataOffset_ = 0;
  std::vector<TensorRecord> tensors_;
  llvm::StringMap<size_t> index_;
  std::map<std::string, std::string> metadata_;
};

/// bfloat16 bits to float (exact).
float bf16ToFloat(uint16_t bits);
/// IEEE half bits to float (exact, including subnormals, infinities and NaN).
float f16ToFloat(uint16_t bits);

/// Decodes an F32, BF16 or F16 tensor into `out`, which must hold exactly
/// `record.numElements()` floats.
llvm::Error readAsFloat32(const TensorRecord &record, llvm::MutableArrayRef<float> out);

} // namespace g4

#endif // G4_COMPILER_CHECKPOINT_SAFETENSORS_H
