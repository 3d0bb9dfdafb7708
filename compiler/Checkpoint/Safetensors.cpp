//===- Safetensors.cpp - Memory-mapped safetensors reader -----------------===//

#include "compiler/Checkpoint/Safetensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <tuple>

using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

namespace g4 {

namespace {

struct DTypeInfo {
  DType dtype;
  const char *name;
  unsigned size;
};

// Every byte-sized dtype of the safetensors format (sub-byte F4/F6 are not
// recognised: no Gemma checkpoint uses them and their sizes need bit packing).
constexpr DTypeInfo kDTypes[] = {
    {DType::BOOL, "BOOL", 1},       {DType::U8, "U8", 1},           {DType::I8, "I8", 1},
    {DType::F8_E5M2, "F8_E5M2", 1}, {DType::F8_E4M3, "F8_E4M3", 1}, {DType::F8_E8M0, "F8_E8M0", 1},
    {DType::I16, "I16", 2},         {DType::U16, "U16", 2},         {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},       {DType::I32, "I32", 4},         {DType::U32, "U32", 4},
    {DType::F32, "F32", 4},         {DType::I64, "I64", 8},         {DType::U64, "U64", 8},
    {DType::F64, "F64", 8},         {DType::C64, "C64", 8},
};

const DTypeInfo &info(DType dtype) {
  return *llvm::find_if(kDTypes, [&](const DTypeInfo &i) { return i.dtype == dtype; });
}

// Larger headers are not safetensors files (the format's own reader caps at 100 MB;
// real Gemma headers are well under 1 MiB).
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;
constexpr const char *kMetadataKey = "__metadata__";

Error fileError(StringRef path, const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), (path + ": " + message).str());
}

Error tensorError(StringRef path, StringRef tensor, const Twine &message) {
  return fileError(path, "tensor '" + tensor + "': " + message);
}

// Compact JSON of a value, for "found ..." in messages.
std::string show(const llvm::json::Value &value) {
  std::string text = llvm::formatv("{0}", value).str();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// A non-negative integer, also when written as an integral float ("72.0"), which
// would otherwise be rejected with the confusing "found 72".
std::optional<uint64_t> asCount(const llvm::json::Value &value) {
  if (std::optional<uint64_t> n = value.getAsUINT64())
    return n;
  std::optional<int64_t> n = value.getAsInteger();
  return n && *n >= 0 ? std::optional<uint64_t>(*n) : std::nullopt;
}

// The fields of one tensor entry; sizes are checked against the file later.
Expected<TensorRecord> parseEntry(StringRef path, StringRef name, const llvm::json::Value &value) {
  const llvm::json::Object *entry = value.getAsObject();
  if (!entry)
    return tensorError(path, name, "entry must be a JSON object, found " + show(value));
  auto field = [&](StringRef key) -> Expected<const llvm::json::Value *> {
    if (const llvm::json::Value *v = entry->get(key))
      return v;
    return tensorError(path, name, "missing '" + key + "'");
  };

  TensorRecord record;
  record.name = name.str();
  record.file = path;

  Expected<const llvm::json::Value *> dtype = field("dtype");
  if (!dtype)
    return dtype.takeError();
  std::optional<StringRef> dtypeText = (*dtype)->getAsString();
  if (!dtypeText)
    return tensorError(path, name, "'dtype' must be a string, found " + show(**dtype));
  std::optional<DType> parsed = parseDType(*dtypeText);
  if (!parsed)
    return tensorError(path, name, "unknown dtype '" + *dtypeText + "'");
  record.dtype = *parsed;

  Expected<const llvm::json::Value *> shape = field("shape");
  if (!shape)
    return shape.takeError();
  const llvm::json::Array *dims = (*shape)->getAsArray();
  if (!dims)
    return tensorError(path, name, "'shape' must be an array, found " + show(**shape));
  for (auto [i, dim] : llvm::enumerate(*dims)) {
    std::optional<uint64_t> n = asCount(dim);
    if (!n || *n > uint64_t(INT64_MAX))
      return tensorError(
          path, name, "shape[" + Twine(i) + "] must be a non-negative integer, found " + show(dim));
    record.shape.push_back(int64_t(*n));
  }

  Expected<const llvm::json::Value *> offsets = field("data_offsets");
  if (!offsets)
    return offsets.takeError();
  const llvm::json::Array *range = (*offsets)->getAsArray();
  std::optional<uint64_t> begin, end;
  if (range && range->size() == 2) {
    begin = asCount((*range)[0]);
    end = asCount((*range)[1]);
  }
  if (!begin || !end || *begin > *end)
    return tensorError(path, name,
                       "'data_offsets' must be [begin, end] with 0 <= begin <= end, found " +
                           show(**offsets));
  record.begin = *begin;
  record.end = *end;
  return record;
}

Error parseMetadata(StringRef path, const llvm::json::Value &value,
                    std::map<std::string, std::string> &out) {
  const llvm::json::Object *object = value.getAsObject();
  if (!object)
    return fileError(path, "'__metadata__' must be an object of strings, found " + show(value));
  for (const auto &[key, v] : *object) {
    std::optional<StringRef> text = v.getAsString();
    if (!text)
      return fileError(path, "'__metadata__' entry '" + key.str() + "' must be a string, found " +
                                 show(v));
    out[key.str()] = text->str();
  }
  return Error::success();
}

// Product of the dims, or nothing on overflow; a zero dim makes it 0 whatever the rest.
std::optional<uint64_t> checkedNumElements(llvm::ArrayRef<int64_t> shape) {
  if (llvm::is_contained(shape, 0))
    return 0;
  uint64_t n = 1;
  for (int64_t dim : shape) {
    std::optional<uint64_t> product = llvm::checkedMulUnsigned(n, uint64_t(dim));
    if (!product)
      return std::nullopt;
    n = *product;
  }
  return n;
}

// numel * element size, or nothing on overflow.
std::optional<uint64_t> expectedBytes(const TensorRecord &record) {
  if (std::optional<uint64_t> n = checkedNumElements(record.shape))
    return llvm::checkedMulUnsigned(*n, uint64_t(dtypeSize(record.dtype)));
  return std::nullopt;
}

Error checkExtent(const TensorRecord &record, uint64_t dataOffset, uint64_t fileSize) {
  StringRef path = record.file;
  uint64_t dataSize = fileSize - dataOffset;
  if (record.end > dataSize)
    return tensorError(path, record.name,
                       "truncated data: data_offsets [" + Twine(record.begin) + ", " +
                           Twine(record.end) + "] need the file to have " +
                           Twine(dataOffset + record.end) + " bytes, but it has " +
                           Twine(fileSize));
  std::optional<uint64_t> needed = expectedBytes(record);
  if (needed && *needed == record.byteSize())
    return Error::success();
  std::string neededText = needed ? std::to_string(*needed) + " bytes" : "more than 2^64 bytes";
  return tensorError(path, record.name,
                     "data_offsets [" + Twine(record.begin) + ", " + Twine(record.end) + "] hold " +
                         Twine(record.byteSize()) + " bytes, but shape " +
                         formatShape(record.shape) + " of " + dtypeName(record.dtype) + " needs " +
                         neededText);
}

// Two tensors may not share bytes (empty tensors share nothing).
Error checkNoOverlap(StringRef path, llvm::ArrayRef<TensorRecord> tensors) {
  std::vector<const TensorRecord *> byOffset;
  for (const TensorRecord &t : tensors)
    if (t.byteSize() > 0)
      byOffset.push_back(&t);
  llvm::sort(byOffset, [](const TensorRecord *a, const TensorRecord *b) {
    return std::tie(a->begin, a->end) < std::tie(b->begin, b->end);
  });
  for (size_t i = 1; i < byOffset.size(); ++i) {
    const TensorRecord &prev = *byOffset[i - 1], &next = *byOffset[i];
    if (next.begin < prev.end)
      return fileError(path, "tensors '" + prev.name + "' (bytes [" + Twine(prev.begin) + ", " +
                                 Twine(prev.end) + ")) and '" + next.name + "' (bytes [" +
                                 Twine(next.begin) + ", " + Twine(next.end) + ")) overlap");
  }
  return Error::success();
}

} // namespace

std::optional<DType> parseDType(StringRef name) {
  for (const DTypeInfo &i : kDTypes)
    if (name == i.name)
      return i.dtype;
  return std::nullopt;
}

StringRef dtypeName(DType dtype) { return info(dtype).name; }

unsigned dtypeSize(DType dtype) { return info(dtype).size; }

bool isFloatWeightDType(DType dtype) {
  return dtype == DType::F32 || dtype == DType::BF16 || dtype == DType::F16;
}

int64_t TensorRecord::numElements() const {
  // open() checked numel * dtype size against the file, so this fits.
  return int64_t(checkedNumElements(shape).value_or(0));
}

std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(shape, os);
  os << "]";
  return text;
}

Expected<std::unique_ptr<SafetensorsFile>> SafetensorsFile::open(StringRef path) {
  // Not text, no null terminator: lets MemoryBuffer mmap the file instead of reading it.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot open: " + buffer.getError().message());
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile(path.str(), std::move(*buffer)));
  if (Error err = file->parse())
    return std::move(err);
  return std::move(file);
}

Error SafetensorsFile::parse() {
  StringRef bytes = buffer_->getBuffer();
  if (bytes.size() < 8)
    return fileError(path_, "file is " + Twine(bytes.size()) +
                                " bytes, too short for a safetensors header length (8 bytes)");
  uint64_t headerSize = llvm::support::endian::read64le(bytes.data());
  if (headerSize > kMaxHeaderBytes)
    return fileError(path_, "header length " + Twine(headerSize) + " is absurd (limit " +
                                Twine(kMaxHeaderBytes) + " bytes); not a safetensors file?");
  if (headerSize > bytes.size() - 8)
    return fileError(path_, "header length " + Twine(headerSize) +
                                " is larger than the file allows: the file has " +
                                Twine(bytes.size()) + " bytes, the header needs " +
                                Twine(8 + headerSize));
  dataOffset_ = 8 + headerSize;

  Expected<llvm::json::Value> header = llvm::json::parse(bytes.substr(8, headerSize));
  if (!header)
    return fileError(path_, "header is not valid JSON: " + llvm::toString(header.takeError()));
  const llvm::json::Object *entries = header->getAsObject();
  if (!entries)
    return fileError(path_, "header must be a JSON object, found " + show(*header));

  // json::Object is unordered; sort so that records and the first error reported
  // do not depend on hashing.
  std::vector<StringRef> names;
  for (const auto &entry : *entries)
    names.push_back(entry.first);
  llvm::sort(names);
  const auto *base = reinterpret_cast<const uint8_t *>(bytes.data()) + dataOffset_;
  for (StringRef name : names) {
    const llvm::json::Value &value = *entries->get(name);
    if (name == kMetadataKey) {
      if (Error err = parseMetadata(path_, value, metadata_))
        return err;
      continue;
    }
    Expected<TensorRecord> record = parseEntry(path_, name, value);
    if (!record)
      return record.takeError();
    if (Error err = checkExtent(*record, dataOffset_, bytes.size()))
      return err;
    record->dataSection = base;
    index_[name] = tensors_.size();
    tensors_.push_back(std::move(*record));
  }
  return checkNoOverlap(path_, tensors_);
}

const TensorRecord *SafetensorsFile::lookup(StringRef name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

float bf16ToFloat(uint16_t bits) {
  uint32_t wide = uint32_t(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof(value));
  return value;
}

float f16ToFloat(uint16_t bits) {
  const uint32_t sign = uint32_t(bits & 0x8000) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1f;
  const uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exactly representable in float.
    float magnitude = std::ldexp(float(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  uint32_t wide = exponent == 0x1f
                      ? sign | 0x7f800000u | (mantissa << 13)               // inf / NaN
                      : sign | ((exponent + 112) << 23) | (mantissa << 13); // rebias 15 -> 127
  float value;
  std::memcpy(&value, &wide, sizeof(value));
  return value;
}

Error readAsFloat32(const TensorRecord &record, llvm::MutableArrayRef<float> out) {
  if (!isFloatWeightDType(record.dtype))
    return tensorError(record.file, record.name,
                       "cannot read dtype " + dtypeName(record.dtype) +
                           " as float (supported: F32, BF16, F16)");
  if (out.size() != uint64_t(record.numElements()))
    return tensorError(record.file, record.name,
                       "output holds " + Twine(out.size()) + " floats, the tensor has " +
                           Twine(record.numElements()) + " elements");
  const uint8_t *p = record.data().data();
  using namespace llvm::support::endian;
  for (size_t i = 0; i < out.size(); ++i) {
    switch (record.dtype) {
    case DType::F32: {
      uint32_t bits = read32le(p + 4 * i);
      std::memcpy(&out[i], &bits, sizeof(float));
      break;
    }
    case DType::BF16:
      out[i] = bf16ToFloat(read16le(p + 2 * i));
      break;
    default:
      out[i] = f16ToFloat(read16le(p + 2 * i));
      break;
    }
  }
  return Error::success();
}

} // namespace g4
