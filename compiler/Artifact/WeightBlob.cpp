//===- WeightBlob.cpp - The weight blob: header + tensors at planned offsets ===//

#include "compiler/Artifact/Artifact.h"
#include "compiler/Checkpoint/WeightBinder.h"
#include "runtime/g4rt/abi/model_abi.h"

#include "llvm/ADT/APFloat.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace g4 {

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// splitmix64: a tiny, well-mixed generator; one stream per tensor.
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [-1, 1).
  double symmetric() { return double(next() >> 11) * 0x1.0p-52 - 1.0; }
};

uint16_t toBF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  bits += 0x7fff + ((bits >> 16) & 1);
  return uint16_t(bits >> 16);
}

/// Round to nearest even, subnormals and overflow included (scales of small blocks
/// are f16 subnormals; flushing them to zero would zero the block).
uint16_t toF16(float value) {
  llvm::APFloat half(value);
  bool losesInfo = false;
  half.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return uint16_t(half.bitcastToAPInt().getZExtValue());
}

bool isScaleLike(llvm::StringRef name) {
  return name.ends_with("norm.weight") || name.ends_with("layernorm.weight") ||
         name.ends_with("layer_scalar") || name.ends_with("router.scale") ||
         name.ends_with("per_expert_scale") || name.contains("_norm_");
}

} // namespace

namespace {

float fromF16(uint16_t half) {
  uint32_t sign = uint32_t(half & 0x8000) << 16, magnitude = half & 0x7fff;
  if (magnitude < 0x400) { // zero and subnormals: exact as magnitude * 2^-24
    float value = float(magnitude) * 0x1.0p-24f;
    return sign ? -value : value;
  }
  uint32_t bits = sign | (magnitude >= 0x7c00 ? ((magnitude << 13) | 0x7f800000u)
                                              : ((magnitude << 13) + (112u << 23)));
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// Quantises one row of float weights into q8_0 or q4_0 blocks (docs/dialects/gemma.md);
/// false if the row holds a NaN or an infinity (nothing to quantise it to).
bool packRow(llvm::ArrayRef<float> row, bool q4, std::vector<uint8_t> &out) {
  for (float w : row)
    if (!std::isfinite(w))
      return false;
  for (size_t start = 0; start < row.size(); start += 32) {
    llvm::ArrayRef<float> block = row.slice(start, 32);
    float scale;
    if (q4) {
      float extreme = 0; // the value of largest magnitude, with its sign
      for (float w : block)
        if (std::fabs(w) > std::fabs(extreme))
          extreme = w;
      scale = extreme / -8.0f;
    } else {
      float amax = 0;
      for (float w : block)
        amax = std::max(amax, std::fabs(w));
      scale = amax / 127.0f;
    }
    // Quantise with the scale the kernels will use: the f16-rounded one.
    const uint16_t half = toF16(scale);
    const float rounded = fromF16(half);
    const float inverse = rounded != 0 ? 1.0f / rounded : 0.0f;
    out.push_back(uint8_t(half & 0xff));
    out.push_back(uint8_t(half >> 8));
    if (q4) {
      uint8_t nibbles[32];
      for (int j = 0; j < 32; ++j)
        nibbles[j] = uint8_t(std::clamp(int(block[j] * inverse + 8.5f), 0, 15));
      for (int j = 0; j < 16; ++j)
        out.push_back(uint8_t(nibbles[j] | (nibbles[j + 16] << 4)));
    } else {
      for (float w : block)
        out.push_back(uint8_t(int8_t(std::clamp<long>(std::lround(w * inverse), -127, 127))));
    }
  }
  return true;
}

/// The 8-row interleaved form (q8_0x8, q4_0x8; docs/dialects/gemma.md) of 8 rows packed
/// by packRow, `blocks` blocks each: per block the 8 scales, then the quanta grouped so
/// that one 32-byte load holds 4 consecutive inputs of each row (q8: quantum + 128 as u8;
/// q4: byte 4r + i of group s holds inputs 8s + i and 8s + 4 + i of row r, + 8 each).
std::vector<uint8_t> interleaveRows(const std::vector<uint8_t> &rows, int64_t blocks, bool q4) {
  const size_t blockBytes = q4 ? 18 : 34, rowBytes = size_t(blocks) * blockBytes;
  std::vector<uint8_t> out;
  out.reserve(rows.size());
  for (int64_t blk = 0; blk < blocks; ++blk) {
    auto block = [&](int r) {
      return rows.data() + size_t(r) * rowBytes + size_t(blk) * blockBytes;
    };
    for (int r = 0; r < 8; ++r)
      out.insert(out.end(), block(r), block(r) + 2);
    if (q4) {
      // Quantum k (+ 8) of a plain q4_0 block: the low nibble of byte k (k < 16), else the
      // high nibble of byte k - 16.
      auto quantum = [&](int r, int k) {
        uint8_t byte = block(r)[2 + (k & 15)];
        return uint8_t(k < 16 ? byte & 15 : byte >> 4);
      };
      for (int group = 0; group < 4; ++group)
        for (int r = 0; r < 8; ++r)
          for (int i = 0; i < 4; ++i)
            out.push_back(uint8_t(quantum(r, 8 * group + i) | quantum(r, 8 * group + 4 + i) << 4));
    } else {
      for (int group = 0; group < 8; ++group)
        for (int r = 0; r < 8; ++r)
          for (int i = 0; i < 4; ++i)
            out.push_back(uint8_t(block(r)[2 + 4 * group + i] ^ 0x80));
    }
  }
  return out;
}

/// A band of interleaved groups (interleaveRows, one after another) reordered by panels
/// (gemma::PanelLayout): panel 0 of each group, then panel 1, ...
std::vector<uint8_t> bandByPanels(const std::vector<uint8_t> &groups, int64_t blocks, bool q4,
                                  const gemma::PanelLayout &layout) {
  const size_t blockBytes = 8 * (q4 ? 18 : 34), groupBytes = size_t(blocks) * blockBytes;
  const size_t panelBytes = size_t(layout.panelBlocks) * blockBytes;
  std::vector<uint8_t> out;
  out.reserve(groups.size());
  for (int64_t panel = 0; panel < blocks / layout.panelBlocks; ++panel)
    for (int64_t g = 0; g < layout.bandGroups; ++g) {
      const uint8_t *start = groups.data() + size_t(g) * groupBytes + size_t(panel) * panelBytes;
      out.insert(out.end(), start, start + panelBytes);
    }
  return out;
}

/// Receives a float matrix row-major and writes its packed rows to `out`: row by row,
/// in interleaved groups of `rowGroup` rows, or in bands of such groups by panels.
class PackingStream : public llvm::raw_ostream {
public:
  PackingStream(llvm::raw_ostream &out, std::string elementType, int64_t rowLength, bool q4,
                int64_t rowGroup, gemma::PanelLayout layout)
      : out(out), elementType(std::move(elementType)), rowLength(rowLength), q4(q4),
        rowGroup(rowGroup), layout(layout) {
    SetUnbuffered();
  }
  /// Whether everything received made whole rows (and whole bands).
  bool complete() const { return pending.empty() && grouped.empty() && band.empty(); }
  /// The first row that could not be quantised, if any.
  std::optional<int64_t> badRow() const { return firstBadRow; }

private:
  void write_impl(const char *data, size_t size) override {
    received += size;
    pending.insert(pending.end(), data, data + size);
    const size_t width = elementType == "f32" ? 4 : 2;
    const size_t rowBytes = size_t(rowLength) * width;
    size_t used = 0;
    std::vector<float> row(static_cast<size_t>(rowLength));
    std::vector<uint8_t> packed;
    while (pending.size() - used >= rowBytes) {
      const uint8_t *p = pending.data() + used;
      for (int64_t i = 0; i < rowLength; ++i) {
        if (width == 4) {
          std::memcpy(&row[size_t(i)], p + 4 * i, 4);
        } else {
          uint16_t h;
          std::memcpy(&h, p + 2 * i, 2);
          if (elementType == "f16") {
            row[size_t(i)] = fromF16(h);
          } else {
            uint32_t bits = uint32_t(h) << 16;
            std::memcpy(&row[size_t(i)], &bits, 4);
          }
        }
      }
      packed.clear();
      if (!packRow(row, q4, packed) && !firstBadRow)
        firstBadRow = rowsDone;
      ++rowsDone;
      used += rowBytes;
      if (rowGroup == 1) {
        out.write(reinterpret_cast<const char *>(packed.data()), packed.size());
        continue;
      }
      grouped.insert(grouped.end(), packed.begin(), packed.end());
      if (rowsDone % rowGroup == 0) {
        std::vector<uint8_t> interleaved = interleaveRows(grouped, rowLength / 32, q4);
        grouped.clear();
        if (!layout.banded()) {
          out.write(reinterpret_cast<const char *>(interleaved.data()), interleaved.size());
          continue;
        }
        band.insert(band.end(), interleaved.begin(), interleaved.end());
        if (rowsDone % (rowGroup * layout.bandGroups) == 0) {
          std::vector<uint8_t> panels = bandByPanels(band, rowLength / 32, q4, layout);
          out.write(reinterpret_cast<const char *>(panels.data()), panels.size());
          band.clear();
        }
      }
    }
    pending.erase(pending.begin(), pending.begin() + used);
  }
  uint64_t current_pos() const override { return received; }

  llvm::raw_ostream &out;
  std::string elementType;
  int64_t rowLength;
  bool q4;
  int64_t rowGroup;
  gemma::PanelLayout layout;
  std::vector<uint8_t> pending, grouped; // grouped: packed rows of an unfinished group
  std::vector<uint8_t> band;             // the interleaved groups of an unfinished band
  uint64_t received = 0;
  int64_t rowsDone = 0;
  std::optional<int64_t> firstBadRow;
};

/// Receives a 2-byte float matrix row-major and writes it in bf16x8 ... bf16x64 groups:
/// each group of G rows transposed, so input k of the G rows is G consecutive values.
class GroupTransposingStream : public llvm::raw_ostream {
public:
  GroupTransposingStream(llvm::raw_ostream &out, int64_t rowLength, int64_t groupRows)
      : out(out), rowLength(rowLength), groupRows(groupRows) {
    SetUnbuffered();
  }
  bool complete() const { return pending.empty(); }

private:
  void write_impl(const char *data, size_t size) override {
    received += size;
    pending.insert(pending.end(), data, data + size);
    const size_t groupBytes = size_t(rowLength) * 2 * size_t(groupRows);
    size_t used = 0;
    std::vector<char> group(groupBytes);
    while (pending.size() - used >= groupBytes) {
      const char *rows = pending.data() + used;
      for (int64_t k = 0; k < rowLength; ++k)
        for (int64_t r = 0; r < groupRows; ++r)
          std::memcpy(&group[size_t(groupRows * k + r) * 2], rows + size_t(r * rowLength + k) * 2,
                      2);
      out.write(group.data(), group.size());
      used += groupBytes;
    }
    pending.erase(pending.begin(), pending.begin() + used);
  }
  uint64_t current_pos() const override { return received; }

  llvm::raw_ostream &out;
  int64_t rowLength, groupRows;
  std::vector<char> pending;
  uint64_t received = 0;
};

/// `value` rounded to the nearest f16 (ties to even), or nullopt when it is a NaN, an
/// infinity, or rounds beyond f16's largest finite value (65504).
std::optional<uint16_t> roundToF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
  const uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude >= 0x477ff000u) // 65520 and up round to infinity; NaN and inf too
    return std::nullopt;
  if (magnitude < 0x38800000u) { // below 2^-14: a subnormal (or zero), in units of 2^-24
    float scaled;
    std::memcpy(&scaled, &magnitude, sizeof(scaled));
    // Exact scaling by a power of two; nearbyint rounds half to even.
    return uint16_t(sign | uint16_t(std::nearbyint(scaled * 0x1.0p24f)));
  }
  uint32_t half = ((magnitude >> 23) - 112u) << 10 | ((magnitude >> 13) & 0x3ffu);
  const uint32_t dropped = magnitude & 0x1fffu;
  if (dropped > 0x1000u || (dropped == 0x1000u && (half & 1u)))
    ++half; // a carry into the exponent is the correctly rounded result
  return uint16_t(sign | half);
}

/// Receives a bf16 or f32 tensor and writes it as f16 (--weights-format=f16), noting
/// the first value f16 cannot hold.
class HalfConvertingStream : public llvm::raw_ostream {
public:
  HalfConvertingStream(llvm::raw_ostream &out, bool fromF32) : out(out), width(fromF32 ? 4 : 2) {
    SetUnbuffered();
  }
  bool complete() const { return pending.empty(); }
  /// The first value that f16 cannot hold: its index in the tensor and its value.
  std::optional<std::pair<uint64_t, float>> badValue() const { return firstBad; }

private:
  void write_impl(const char *data, size_t size) override {
    received += size;
    pending.insert(pending.end(), data, data + size);
    const size_t count = pending.size() / width;
    std::vector<uint16_t> halves(count);
    for (size_t i = 0; i < count; ++i) {
      float value;
      if (width == 4) {
        std::memcpy(&value, pending.data() + 4 * i, 4);
      } else {
        uint16_t h;
        std::memcpy(&h, pending.data() + 2 * i, 2);
        uint32_t bits = uint32_t(h) << 16;
        std::memcpy(&value, &bits, 4);
      }
      std::optional<uint16_t> half = roundToF16(value);
      if (!half && !firstBad)
        firstBad = std::make_pair(converted + i, value);
      halves[i] = half.value_or(0x7e00); // a NaN: the tensor is rejected anyway
    }
    out.write(reinterpret_cast<const char *>(halves.data()), 2 * count);
    converted += count;
    pending.erase(pending.begin(), pending.begin() + ptrdiff_t(count * width));
  }
  uint64_t current_pos() const override { return received; }

  llvm::raw_ostream &out;
  size_t width;
  std::vector<char> pending;
  uint64_t received = 0, converted = 0;
  std::optional<std::pair<uint64_t, float>> firstBad;
};

} // namespace

gemma::PanelLayout packedPanelLayout(const WeightPlan &tensor) {
  const std::vector<int64_t> &shape = tensor.logicalShape;
  if (shape.size() < 2)
    return {1, shape.empty() ? 0 : shape.back() / 32};
  if (tensor.packedFormat != "q8_0x8" && tensor.packedFormat != "q4_0x8")
    return {1, shape.back() / 32};
  return gemma::interleavedPanelLayout(shape[shape.size() - 2], shape.back());
}

TensorFiller packingTensors(TensorFiller inner,
                            std::function<std::string(const WeightPlan &)> sourceType) {
  return [inner, sourceType](const WeightPlan &tensor, llvm::raw_ostream &os) -> llvm::Error {
    // An f16 tensor from a bf16 (or f32) source: --weights-format=f16 converts it here.
    const std::string from = tensor.elementType == "f16" ? sourceType(tensor) : "f16";
    const bool converting = from != "f16";
    std::optional<gemma::WeightFormat> format = gemma::symbolizeWeightFormat(tensor.packedFormat);
    if (tensor.packedFormat.empty() && !converting)
      return inner(tensor, os);
    if (tensor.packedFormat.empty() || (format && gemma::isInterleavedFloat(*format))) {
      WeightPlan source = tensor;
      source.packedFormat.clear();
      std::optional<GroupTransposingStream> transposer;
      llvm::raw_ostream *sink = &os;
      const int64_t groupRows = format ? gemma::interleavedRows(*format) : 1;
      if (groupRows > 1)
        sink = &transposer.emplace(os, tensor.shape.back(), groupRows);
      if (converting) {
        source.elementType = from;
        source.bytes = tensor.bytes / 2 * (from == "f32" ? 4 : 2);
        HalfConvertingStream converter(*sink, from == "f32");
        if (llvm::Error e = inner(source, converter))
          return e;
        converter.flush();
        if (!converter.complete())
          return error("internal error: " + tensor.name + " did not arrive in whole values");
        if (std::optional<std::pair<uint64_t, float>> bad = converter.badValue()) {
          const int64_t row = int64_t(bad->first) / tensor.shape.back();
          const int64_t col = int64_t(bad->first) % tensor.shape.back();
          return error(tensor.name + ": element [" + llvm::Twine(row) + ", " + llvm::Twine(col) +
                       "] (flat index " + llvm::Twine(bad->first) + ") is " +
                       llvm::Twine(std::to_string(bad->second)) +
                       ", which f16 cannot hold (a NaN, an infinity, or beyond its largest "
                       "finite value 65504): compile with --weights-format=bf16");
        }
      } else if (llvm::Error e = inner(source, *sink)) {
        return e;
      }
      if (transposer) {
        transposer->flush();
        if (!transposer->complete())
          return error("internal error: " + tensor.name + " did not arrive in groups of " +
                       llvm::Twine(groupRows) + " rows");
      }
      return llvm::Error::success();
    }
    WeightPlan source = tensor;
    source.elementType = sourceType(tensor);
    source.shape = tensor.logicalShape;
    source.packedFormat.clear();
    int64_t elements = 1;
    for (int64_t d : source.shape)
      elements *= d;
    source.bytes = elements * (source.elementType == "f32" ? 4 : 2);
    bool q4 = tensor.packedFormat == "q4_0" || tensor.packedFormat == "q4_0x8";
    int64_t rowGroup = tensor.packedFormat == "q8_0x8" || tensor.packedFormat == "q4_0x8" ? 8 : 1;
    PackingStream packer(os, source.elementType, source.shape.back(), q4, rowGroup,
                         packedPanelLayout(tensor));
    if (llvm::Error e = inner(source, packer))
      return e;
    packer.flush();
    if (!packer.complete())
      return error("internal error: " + tensor.name + " did not arrive in whole rows");
    if (std::optional<int64_t> row = packer.badRow())
      return error(tensor.name + ": row " + llvm::Twine(*row) +
                   " holds a NaN or an infinity; it cannot be quantised to " + tensor.packedFormat);
    return llvm::Error::success();
  };
}

TensorFiller checkpointTensors(const BoundWeights &weights) {
  return [&weights](const WeightPlan &tensor, llvm::raw_ostream &os) -> llvm::Error {
    const BoundParam *param = weights.lookup(tensor.name);
    if (!param)
      return error("internal error: no checkpoint tensor bound to " + tensor.name);
    llvm::ArrayRef<uint8_t> data = param->record->data();
    if (int64_t(data.size()) != tensor.bytes)
      return error(param->shardPath + ": tensor '" + param->record->name + "' has " +
                   llvm::Twine(data.size()) + " bytes; the compiled layout expects " +
                   llvm::Twine(tensor.bytes));
    // Straight from the memory-mapped checkpoint: pages are read once, never copied.
    os.write(reinterpret_cast<const char *>(data.data()), data.size());
    return llvm::Error::success();
  };
}

TensorFiller randomTensors(uint64_t seed) {
  return [seed](const WeightPlan &tensor, llvm::raw_ostream &os) -> llvm::Error {
    if (tensor.elementType != "f32" && tensor.elementType != "bf16" && tensor.elementType != "f16")
      return error("random weights: unsupported element type " + tensor.elementType + " of " +
                   tensor.name);
    uint64_t nameHash = 0xcbf29ce484222325ull;
    for (char c : tensor.name)
      nameHash = (nameHash ^ uint8_t(c)) * 0x100000001b3ull;
    SplitMix64 rng{seed ^ nameHash};
    const int64_t fanIn = tensor.shape.empty() ? 1 : tensor.shape.back();
    const bool scale = isScaleLike(tensor.name);
    // Uniform(-a, a) has variance a^2/3: a = sqrt(3/fan_in) gives unit-variance outputs.
    const double amplitude = scale ? 0.1 : std::sqrt(3.0 / double(fanIn));
    auto sample = [&]() { return float((scale ? 1.0 : 0.0) + amplitude * rng.symmetric()); };
    const size_t width = tensor.elementType == "f32" ? 4 : 2;
    const size_t count = size_t(tensor.bytes) / width;
    std::vector<uint8_t> chunk;
    for (size_t done = 0; done < count;) {
      size_t n = std::min<size_t>(count - done, 1 << 16);
      chunk.resize(n * width);
      for (size_t i = 0; i < n; ++i) {
        float v = sample();
        if (width == 4) {
          std::memcpy(chunk.data() + 4 * i, &v, 4);
        } else {
          uint16_t h = tensor.elementType == "f16" ? toF16(v) : toBF16(v);
          std::memcpy(chunk.data() + 2 * i, &h, 2);
        }
      }
      os.write(reinterpret_cast<const char *>(chunk.data()), chunk.size());
      done += n;
    }
    return llvm::Error::success();
  };
}

namespace {
/// Fills `tensor`, a merged matrix part by part: each part is a whole tensor of its own
/// (rows of the same width, format and element type), so packing or regrouping each
/// gives the merged matrix's bytes.
llvm::Error fillTensor(const TensorFiller &fill, const WeightPlan &tensor, llvm::raw_ostream &os) {
  if (tensor.parts.empty())
    return fill(tensor, os);
  const int64_t rows = tensor.shape.front();
  for (const auto &[name, partRows] : tensor.parts) {
    WeightPlan part = tensor;
    part.parts.clear();
    part.name = name;
    part.shape.front() = partRows;
    part.logicalShape.front() = partRows;
    part.bytes = tensor.bytes / rows * partRows;
    if (llvm::Error e = fill(part, os))
      return e;
  }
  return llvm::Error::success();
}
} // namespace

int64_t weightBlobBytes(const MemoryPlan &plan) {
  return alignTo(sizeof(g4_weights_header_t)) + plan.weightsBytes;
}

llvm::Error writeWeightBlob(llvm::raw_ostream &os, const MemoryPlan &plan, uint64_t fingerprint,
                            const TensorFiller &fill) {
  g4_weights_header_t header{};
  std::memcpy(header.magic, G4_WEIGHTS_MAGIC, sizeof(header.magic));
  header.version = G4_WEIGHTS_VERSION;
  header.header_bytes = sizeof(g4_weights_header_t);
  header.fingerprint = fingerprint;
  header.data_offset = uint64_t(alignTo(sizeof(g4_weights_header_t)));
  header.data_bytes = uint64_t(plan.weightsBytes);
  header.num_tensors = plan.weights.size();
  os.write(reinterpret_cast<const char *>(&header), sizeof(header));
  os.write_zeros(header.data_offset - sizeof(header));

  // Tensors in offset order, zero padding between them.
  int64_t written = 0;
  for (const WeightPlan &tensor : plan.weights) {
    if (tensor.offset < written)
      return error("internal error: weight plan offsets are not increasing at " + tensor.name);
    os.write_zeros(tensor.offset - written);
    uint64_t before = os.tell();
    if (llvm::Error e = fillTensor(fill, tensor, os))
      return e;
    if (int64_t(os.tell() - before) != tensor.bytes)
      return error("internal error: " + tensor.name + " wrote " + llvm::Twine(os.tell() - before) +
                   " bytes, not " + llvm::Twine(tensor.bytes));
    written = tensor.offset + tensor.bytes;
  }
  os.write_zeros(plan.weightsBytes - written);
  return llvm::Error::success();
}

} // namespace g4
