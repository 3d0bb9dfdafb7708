//===- PackingTest.cpp - Quantising weight rows into q8_0/q4_0 blocks -----===//
//
// packingTensors (compiler/Artifact) quantises a packed tensor's float rows as the blob
// is written. Checked here on hand-made rows: the block layout (f16 scale, then 32 bytes
// or 16 nibble pairs), scales small enough to be f16 subnormals (they must not flush to
// zero), and rows that cannot be quantised.
//
//===----------------------------------------------------------------------===//

#include "compiler/Artifact/Artifact.h"
#include "dialects/Gemma/IR/GemmaTypes.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/raw_ostream.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace {

using ::testing::HasSubstr;

/// The bytes packingTensors writes for `plan` from `source`, whose tensors all have the
/// element type `sourceType` in the checkpoint.
llvm::Expected<std::string> writeThroughPacker(g4::TensorFiller source, const char *sourceType,
                                               const g4::WeightPlan &plan) {
  g4::TensorFiller packed = g4::packingTensors(
      std::move(source), [sourceType](const g4::WeightPlan &) { return std::string(sourceType); });
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (llvm::Error e = packed(plan, os))
    return std::move(e);
  os.flush();
  return bytes;
}

/// Packs `rows` rows of f32 values (row-major in `row`) as `format` ("q8_0", "q4_0",
/// "q8_0x8", "q4_0x8").
llvm::Expected<std::string> packRows(const std::vector<float> &row, int64_t rows,
                                     const std::string &format) {
  const int64_t inputs = int64_t(row.size()) / rows;
  const bool q4 = format == "q4_0" || format == "q4_0x8";
  g4::WeightPlan plan;
  plan.name = "layers.0.mlp.up_proj.weight";
  plan.elementType = "i8";
  plan.packedFormat = format;
  plan.logicalShape = {rows, inputs};
  plan.shape = {rows, inputs / 32 * (q4 ? 18 : 34)};
  plan.bytes = plan.shape[0] * plan.shape[1];
  g4::TensorFiller floats = [&](const g4::WeightPlan &source, llvm::raw_ostream &os) {
    EXPECT_EQ(source.elementType, "f32");
    EXPECT_EQ(source.bytes, int64_t(row.size() * 4));
    os.write(reinterpret_cast<const char *>(row.data()), row.size() * 4);
    return llvm::Error::success();
  };
  return writeThroughPacker(floats, "f32", plan);
}

/// Packs one row of f32 values as `format`.
llvm::Expected<std::string> packRow(const std::vector<float> &row, const std::string &format) {
  return packRows(row, 1, format);
}

float halfAt(const std::string &bytes, size_t offset) {
  uint16_t h = uint16_t(uint8_t(bytes[offset]) | uint8_t(bytes[offset + 1]) << 8);
  uint32_t magnitude = h & 0x7fff;
  float value = magnitude < 0x400 ? float(magnitude) * 0x1.0p-24f
                                  : std::ldexp(1.0f + float(magnitude & 0x3ff) / 1024.0f,
                                               int(magnitude >> 10) - 15);
  return (h & 0x8000) ? -value : value;
}

TEST(Packing, Q8BlocksHoldScaleThenBytes) {
  std::vector<float> row(32);
  for (int j = 0; j < 32; ++j)
    row[j] = float(j - 16) / 16.0f; // -1 .. 0.9375
  llvm::Expected<std::string> bytes = packRow(row, "q8_0");
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  ASSERT_EQ(bytes->size(), 34u);
  float scale = halfAt(*bytes, 0);
  EXPECT_NEAR(scale, 1.0f / 127.0f, 1e-5);
  for (int j = 0; j < 32; ++j)
    EXPECT_NEAR(scale * int8_t((*bytes)[2 + j]), row[j], scale / 2 + 1e-6) << j;
  EXPECT_EQ(int8_t((*bytes)[2]), -127); // the extreme maps to the end of the range
}

TEST(Packing, Q4BlocksHoldNibblePairs) {
  std::vector<float> row(32);
  for (int j = 0; j < 32; ++j)
    row[j] = float(j % 16) - 8.0f; // -8 .. 7, twice
  llvm::Expected<std::string> bytes = packRow(row, "q4_0");
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  ASSERT_EQ(bytes->size(), 18u);
  EXPECT_FLOAT_EQ(halfAt(*bytes, 0), 1.0f); // -8 / -8
  for (int j = 0; j < 16; ++j) {
    uint8_t b = uint8_t((*bytes)[2 + j]);
    EXPECT_EQ(int(b & 15) - 8, int(row[j])) << j;
    EXPECT_EQ(int(b >> 4) - 8, int(row[j + 16])) << j;
  }
}

// A block of weights below 127 * 2^-14 (q8_0) or 8 * 2^-14 (q4_0) has an f16-subnormal scale: it
// must survive (it used to flush to zero and the block dequantised to nothing).
TEST(Packing, SmallBlocksKeepSubnormalScales) {
  std::vector<float> row(32);
  for (int j = 0; j < 32; ++j)
    row[j] = 1e-4f * float(j % 7 - 3);
  for (const char *format : {"q8_0", "q4_0"}) {
    llvm::Expected<std::string> bytes = packRow(row, format);
    ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
    float scale = halfAt(*bytes, 0);
    EXPECT_GT(std::fabs(scale), 0.0f) << format;
    EXPECT_LT(std::fabs(scale), 0x1.0p-14f) << format;
    if (std::string(format) == "q8_0")
      for (int j = 0; j < 32; ++j)
        EXPECT_NEAR(scale * int8_t((*bytes)[2 + j]), row[j], std::fabs(scale)) << j;
  }
}

TEST(Packing, NonFiniteRowsAreAnError) {
  std::vector<float> row(64, 0.5f);
  row[40] = NAN;
  llvm::Expected<std::string> bytes = packRow(row, "q8_0");
  ASSERT_FALSE(bool(bytes));
  EXPECT_THAT(llvm::toString(bytes.takeError()),
              HasSubstr("layers.0.mlp.up_proj.weight: row 0 holds a NaN or an infinity; it "
                        "cannot be quantised to q8_0"));
}

// The interleaved formats hold the plain blocks' bytes of each group of 8 rows, block by
// block: the 8 scales, then 4 inputs of each row in turn (q8: + 128 as u8; q4: inputs
// 8s + i and 8s + 4 + i of a row share a byte). 16 rows x 64 inputs: two groups of two
// blocks, checked byte by byte against the plain packing of the same rows.
TEST(Packing, InterleavedGroupsHoldThePlainBlocksBytes) {
  const int64_t rows = 16, inputs = 64, blocks = 2;
  std::vector<float> values(rows * inputs);
  for (int64_t i = 0; i < rows * inputs; ++i)
    values[i] = float((i * 37 + i / 7) % 15) - 7.0f + float(i % 3) * 0.25f;
  for (bool q4 : {false, true}) {
    const size_t blockBytes = q4 ? 18 : 34, rowBytes = blocks * blockBytes;
    llvm::Expected<std::string> plain = packRows(values, rows, q4 ? "q4_0" : "q8_0");
    llvm::Expected<std::string> grouped = packRows(values, rows, q4 ? "q4_0x8" : "q8_0x8");
    ASSERT_TRUE(bool(plain)) << llvm::toString(plain.takeError());
    ASSERT_TRUE(bool(grouped)) << llvm::toString(grouped.takeError());
    ASSERT_EQ(grouped->size(), plain->size());
    auto plainByte = [&](int64_t row, int64_t blk, size_t at) {
      return uint8_t((*plain)[row * rowBytes + blk * blockBytes + at]);
    };
    // Quantum k of a plain block, plus 8 (q4) or as stored (q8).
    auto quantum = [&](int64_t row, int64_t blk, int k) {
      if (!q4)
        return plainByte(row, blk, 2 + k);
      uint8_t byte = plainByte(row, blk, 2 + (k & 15));
      return uint8_t(k < 16 ? byte & 15 : byte >> 4);
    };
    for (int64_t group = 0; group < rows / 8; ++group) {
      for (int64_t blk = 0; blk < blocks; ++blk) {
        size_t start = group * 8 * rowBytes + blk * 8 * blockBytes;
        auto at = [&](size_t offset) { return uint8_t((*grouped)[start + offset]); };
        for (int r = 0; r < 8; ++r) {
          int64_t row = 8 * group + r;
          EXPECT_EQ(at(2 * r), plainByte(row, blk, 0)) << "scale, row " << row;
          EXPECT_EQ(at(2 * r + 1), plainByte(row, blk, 1)) << "scale, row " << row;
          for (int g = 0; g < (q4 ? 4 : 8); ++g)
            for (int i = 0; i < 4; ++i) {
              uint8_t expected =
                  q4 ? uint8_t(quantum(row, blk, 8 * g + i) | quantum(row, blk, 8 * g + 4 + i) << 4)
                     : uint8_t(quantum(row, blk, 4 * g + i) ^ 0x80);
              EXPECT_EQ(at(16 + 32 * g + 4 * r + i), expected)
                  << (q4 ? "q4" : "q8") << " row " << row << " block " << blk << " group " << g
                  << " byte " << i;
            }
        }
      }
    }
  }
}

} // namespace

namespace g4::gemma {
// What a failed expectation prints.
void PrintTo(const PanelLayout &layout, std::ostream *os) {
  *os << "{bandGroups " << layout.bandGroups << ", panelBlocks " << layout.panelBlocks << "}";
}
} // namespace g4::gemma

namespace {

// Which interleaved matrices are banded (docs/dialects/gemma.md, "Panels"): rows of more
// than 64 blocks, whole bands of 4 groups, panels of 16 to 64 blocks.
TEST(Packing, PanelLayoutBandsLongRowsOfWholeBands) {
  using g4::gemma::interleavedPanelLayout;
  using g4::gemma::PanelLayout;
  EXPECT_EQ(interleavedPanelLayout(1536, 12288), (PanelLayout{4, 64})); // E2B's down_proj
  EXPECT_EQ(interleavedPanelLayout(2560, 10240), (PanelLayout{4, 64})); // E4B's
  EXPECT_EQ(interleavedPanelLayout(5376, 21504), (PanelLayout{4, 56})); // 31B's: 672 blocks
  EXPECT_EQ(interleavedPanelLayout(704, 2816), (PanelLayout{4, 44}));   // 26B's experts
  EXPECT_EQ(interleavedPanelLayout(64, 3168), (PanelLayout{4, 33}));
  EXPECT_EQ(interleavedPanelLayout(12288, 1536), (PanelLayout{1, 48})); // one k block
  EXPECT_EQ(interleavedPanelLayout(1536, 2048), (PanelLayout{1, 64}));  // 64 blocks
  EXPECT_EQ(interleavedPanelLayout(40, 3168), (PanelLayout{1, 99}));    // 5 groups
  EXPECT_EQ(interleavedPanelLayout(64, 67 * 32), (PanelLayout{1, 67})); // 67 is prime
  EXPECT_EQ(interleavedPanelLayout(64, 2 * 67 * 32), (PanelLayout{1, 134}));
}

// A banded matrix holds its groups' interleaved bytes (as 8 rows packed alone give them)
// reordered band by band: panel 0 of the band's 4 groups, then panel 1, ... 64 rows of
// 3168 inputs: 2 bands, 3 panels of 33 blocks.
TEST(Packing, BandedMatricesOrderEachBandByPanels) {
  const int64_t rows = 64, inputs = 3168, blocks = 99, panel = 33, band = 4;
  std::vector<float> values(rows * inputs);
  for (int64_t i = 0; i < rows * inputs; ++i)
    values[i] = float((i * 37 + i / 7) % 15) - 7.0f + float(i % 3) * 0.25f;
  for (bool q4 : {false, true}) {
    const std::string format = q4 ? "q4_0x8" : "q8_0x8";
    const size_t panelBytes = panel * 8 * (q4 ? 18 : 34);
    llvm::Expected<std::string> banded = packRows(values, rows, format);
    ASSERT_TRUE(bool(banded)) << llvm::toString(banded.takeError());
    std::string expected;
    for (int64_t first = 0; first < rows / 8; first += band) {
      std::vector<std::string> groups;
      for (int64_t g = first; g < first + band; ++g) {
        // 8 rows alone are one group, not banded.
        std::vector<float> group(values.begin() + g * 8 * inputs,
                                 values.begin() + (g + 1) * 8 * inputs);
        llvm::Expected<std::string> bytes = packRows(group, 8, format);
        ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
        groups.push_back(*bytes);
      }
      for (int64_t p = 0; p < blocks / panel; ++p)
        for (const std::string &group : groups)
          expected += group.substr(p * panelBytes, panelBytes);
    }
    ASSERT_EQ(banded->size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
      ASSERT_EQ(uint8_t((*banded)[i]), uint8_t(expected[i]))
          << format << ": byte " << i << " (band " << i / (band * 8 * blocks * (q4 ? 18 : 34))
          << ")";
  }
}

// bf16x8 ... bf16x64 tensors pass their 2-byte values through, each group of G rows
// transposed: row G t + r, input k lands at G * K * t + G * k + r.
void expectGroupsTransposed(const std::string &format, int64_t group) {
  const int64_t rows = std::max<int64_t>(32, 2 * group), inputs = 5;
  g4::WeightPlan plan;
  plan.name = "embed_tokens.weight";
  plan.elementType = "bf16";
  plan.packedFormat = format;
  plan.shape = plan.logicalShape = {rows, inputs};
  plan.bytes = rows * inputs * 2;
  g4::TensorFiller values = [&](const g4::WeightPlan &source, llvm::raw_ostream &os) {
    EXPECT_EQ(source.packedFormat, "");
    for (int64_t i = 0; i < rows * inputs; ++i) {
      uint16_t v = uint16_t(i);
      os.write(reinterpret_cast<const char *>(&v), 2);
    }
    return llvm::Error::success();
  };
  llvm::Expected<std::string> written = writeThroughPacker(values, "bf16", plan);
  ASSERT_TRUE(bool(written)) << llvm::toString(written.takeError());
  const std::string &bytes = *written;
  ASSERT_EQ(int64_t(bytes.size()), rows * inputs * 2);
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t k = 0; k < inputs; ++k) {
      size_t at = size_t(group * inputs * (row / group) + group * k + row % group) * 2;
      uint16_t v = uint16_t(uint8_t(bytes[at]) | uint8_t(bytes[at + 1]) << 8);
      EXPECT_EQ(v, uint16_t(row * inputs + k)) << format << " row " << row << " input " << k;
    }
}

TEST(Packing, Bf16x8GroupsAreTransposed) { expectGroupsTransposed("bf16x8", 8); }
TEST(Packing, Bf16x16GroupsAreTransposed) { expectGroupsTransposed("bf16x16", 16); }
TEST(Packing, Bf16x32GroupsAreTransposed) { expectGroupsTransposed("bf16x32", 32); }
TEST(Packing, Bf16x64GroupsAreTransposed) { expectGroupsTransposed("bf16x64", 64); }

/// Writes `values` (bf16 bit patterns) through packingTensors as an f16 tensor of
/// `rows` rows in `format` ("" for a plain row-major tensor).
llvm::Expected<std::string> convertToHalf(const std::vector<uint16_t> &values, int64_t rows,
                                          const std::string &format) {
  g4::WeightPlan plan;
  plan.name = "layers.3.mlp.down_proj.weight";
  plan.elementType = "f16";
  plan.packedFormat = format;
  plan.shape = plan.logicalShape = {rows, int64_t(values.size()) / rows};
  plan.bytes = int64_t(values.size()) * 2;
  g4::TensorFiller source = [&](const g4::WeightPlan &asked, llvm::raw_ostream &os) {
    EXPECT_EQ(asked.elementType, "bf16");
    EXPECT_EQ(asked.packedFormat, "");
    EXPECT_EQ(asked.bytes, int64_t(values.size()) * 2);
    // Odd-sized writes: a value split across two writes must still convert whole.
    const char *data = reinterpret_cast<const char *>(values.data());
    const size_t size = values.size() * 2;
    for (size_t at = 0; at < size; at += 7)
      os.write(data + at, std::min<size_t>(7, size - at));
    return llvm::Error::success();
  };
  return writeThroughPacker(source, "bf16", plan);
}

/// The f16 nearest to the bf16 pattern `bits` (ties to even), by APFloat.
uint16_t referenceHalf(uint16_t bits) {
  llvm::APFloat value(llvm::APFloat::BFloat(), llvm::APInt(16, bits));
  bool lost = false;
  value.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven, &lost);
  return uint16_t(value.bitcastToAPInt().getZExtValue());
}

// --weights-format=f16 converts every finite bf16 value f16 can hold to its nearest f16,
// ties to even, subnormals included: all 65536 patterns checked against APFloat.
TEST(Packing, Bf16ConvertsToNearestHalf) {
  std::vector<uint16_t> values;
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    llvm::APFloat value(llvm::APFloat::BFloat(), llvm::APInt(16, bits));
    if (value.isFinite() && std::fabs(value.convertToFloat()) < 65504.0f)
      values.push_back(uint16_t(bits));
  }
  ASSERT_GT(values.size(), 2u * 0x4700u); // every magnitude below 65504, both signs
  llvm::Expected<std::string> bytes = convertToHalf(values, 1, "");
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  ASSERT_EQ(bytes->size(), values.size() * 2);
  int mismatches = 0;
  for (size_t i = 0; i < values.size() && mismatches < 10; ++i) {
    uint16_t half = uint16_t(uint8_t((*bytes)[2 * i]) | uint8_t((*bytes)[2 * i + 1]) << 8);
    if (half != referenceHalf(values[i])) {
      ++mismatches;
      ADD_FAILURE() << "bf16 0x" << std::hex << values[i] << " became f16 0x" << half
                    << "; the nearest is 0x" << referenceHalf(values[i]);
    }
  }
}

// An f32 source (a checkpoint's f32 tensor) rounds to nearest, ties to even: around
// every f16 step the exact midpoint and its float neighbours, checked against APFloat,
// up to the largest value that still rounds to 65504.
TEST(Packing, F32ConvertsToNearestHalfTiesToEven) {
  std::vector<float> values;
  for (uint32_t h = 0; h < 0x7bff; h += 3) { // every third step keeps the test quick
    llvm::APFloat low(llvm::APFloat::IEEEhalf(), llvm::APInt(16, h));
    llvm::APFloat high(llvm::APFloat::IEEEhalf(), llvm::APInt(16, h + 1));
    float middle = (low.convertToFloat() + high.convertToFloat()) / 2; // exact in f32
    for (float v : {middle, std::nextafter(middle, 0.0f), std::nextafter(middle, 1e6f)}) {
      values.push_back(v);
      values.push_back(-v);
    }
  }
  values.push_back(std::nextafter(65520.0f, 0.0f)); // the largest that rounds to 65504
  g4::WeightPlan plan;
  plan.name = "layers.0.self_attn.o_proj.weight";
  plan.elementType = "f16";
  plan.shape = plan.logicalShape = {1, int64_t(values.size())};
  plan.bytes = int64_t(values.size()) * 2;
  g4::TensorFiller source = [&](const g4::WeightPlan &asked, llvm::raw_ostream &os) {
    EXPECT_EQ(asked.elementType, "f32");
    EXPECT_EQ(asked.bytes, int64_t(values.size()) * 4);
    os.write(reinterpret_cast<const char *>(values.data()), values.size() * 4);
    return llvm::Error::success();
  };
  llvm::Expected<std::string> written = writeThroughPacker(source, "f32", plan);
  ASSERT_TRUE(bool(written)) << llvm::toString(written.takeError());
  const std::string &bytes = *written;
  ASSERT_EQ(bytes.size(), values.size() * 2);
  int mismatches = 0;
  for (size_t i = 0; i < values.size() && mismatches < 10; ++i) {
    llvm::APFloat reference(values[i]);
    bool lost = false;
    reference.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven, &lost);
    uint16_t expected = uint16_t(reference.bitcastToAPInt().getZExtValue());
    uint16_t half = uint16_t(uint8_t(bytes[2 * i]) | uint8_t(bytes[2 * i + 1]) << 8);
    if (half != expected) {
      ++mismatches;
      ADD_FAILURE() << "f32 " << values[i] << " became f16 0x" << std::hex << half
                    << "; the nearest (ties to even) is 0x" << expected;
    }
  }
  EXPECT_EQ(uint8_t(bytes[bytes.size() - 1]) << 8 | uint8_t(bytes[bytes.size() - 2]), 0x7bff);
}

// Converted f16x32 groups are transposed like bf16x32 ones: row 32 t + r, input k lands
// at 32 K t + 32 k + r, holding that element's f16 value.
TEST(Packing, ConvertedGroupsAreTransposed) {
  const int64_t rows = 64, inputs = 3;
  std::vector<uint16_t> values(size_t(rows * inputs));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = uint16_t(0x3f80 + i); // 1.0 and up: bf16 steps that f16 holds exactly
  llvm::Expected<std::string> bytes = convertToHalf(values, rows, "f16x32");
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  ASSERT_EQ(int64_t(bytes->size()), rows * inputs * 2);
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t k = 0; k < inputs; ++k) {
      size_t at = size_t(32 * inputs * (row / 32) + 32 * k + row % 32) * 2;
      uint16_t half = uint16_t(uint8_t((*bytes)[at]) | uint8_t((*bytes)[at + 1]) << 8);
      EXPECT_EQ(half, referenceHalf(values[size_t(row * inputs + k)]))
          << "row " << row << " input " << k;
    }
}

// A value beyond f16's range is an error naming the tensor, the element and its value,
// not an infinity in the blob.
TEST(Packing, ValuesBeyondHalfAreAnError) {
  std::vector<uint16_t> values(8, 0x3f80); // 1.0
  values[5] = 0x47c3;                      // 99840
  llvm::Expected<std::string> bytes = convertToHalf(values, 2, "");
  ASSERT_FALSE(bool(bytes));
  std::string message = llvm::toString(bytes.takeError());
  EXPECT_THAT(message, HasSubstr("layers.3.mlp.down_proj.weight"));
  EXPECT_THAT(message, HasSubstr("element [1, 1] (flat index 5)"));
  EXPECT_THAT(message, HasSubstr("99840"));
  EXPECT_THAT(message, HasSubstr("--weights-format=bf16"));
}

} // namespace

// A merged matrix (g4-gemma-merge-projections) is written part by part: its bytes in
// the blob are those of the parts, each packed in the merged param's format, one after
// the other, so the kernel reads [Wq; Wk; Wv] as one matrix.
TEST(Packing, MergedMatrixHoldsItsPartsInOrder) {
  const int64_t inputs = 64;
  auto valuesOf = [&](const std::string &name, int64_t rows) {
    std::vector<float> values(size_t(rows * inputs));
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = float((i * 29 + name.size() * 11 + i / 5) % 17) - 8.0f + float(i % 4) * 0.125f;
    return values;
  };
  g4::TensorFiller floats = [&](const g4::WeightPlan &source, llvm::raw_ostream &os) {
    std::vector<float> values = valuesOf(source.name, source.shape[0]);
    EXPECT_EQ(source.bytes, int64_t(values.size() * 4)) << source.name;
    os.write(reinterpret_cast<const char *>(values.data()), values.size() * 4);
    return llvm::Error::success();
  };
  g4::TensorFiller packed =
      g4::packingTensors(floats, [](const g4::WeightPlan &) { return std::string("f32"); });
  const std::vector<std::pair<std::string, int64_t>> parts = {
      {"layers.0.self_attn.q_proj.weight", 32},
      {"layers.0.self_attn.k_proj.weight", 8},
      {"layers.0.self_attn.v_proj.weight", 16}};
  for (std::string format : {"q8_0", "q4_0x8"}) {
    const int64_t rowBytes = inputs / 32 * (format == "q8_0" ? 34 : 18);
    g4::MemoryPlan merged;
    g4::WeightPlan tensor;
    tensor.name = "layers.0.self_attn.qkv_proj.weight";
    tensor.elementType = "i8";
    tensor.packedFormat = format;
    tensor.logicalShape = {56, inputs};
    tensor.shape = {56, rowBytes};
    tensor.bytes = 56 * rowBytes;
    tensor.parts = parts;
    merged.weights.push_back(tensor);
    merged.weightsBytes = tensor.bytes;
    std::string blob;
    llvm::raw_string_ostream os(blob);
    ASSERT_FALSE(bool(g4::writeWeightBlob(os, merged, 1, packed)));
    os.flush();
    std::string expected;
    for (const auto &[name, rows] : parts) {
      llvm::Expected<std::string> part = packRows(valuesOf(name, rows), rows, format);
      ASSERT_TRUE(bool(part)) << llvm::toString(part.takeError());
      expected += *part;
    }
    ASSERT_GE(blob.size(), expected.size());
    EXPECT_TRUE(blob.substr(blob.size() - expected.size()) == expected)
        << format << ": the merged matrix's bytes differ from its packed parts";
  }
}
