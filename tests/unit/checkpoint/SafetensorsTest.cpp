//===- SafetensorsTest.cpp - The safetensors reader -----------------------===//
//
// The fixtures open and decode; every malformed-file check fires with a message that
// names the file, the tensor and what was expected and found.
//
//===----------------------------------------------------------------------===//

#include "compiler/Checkpoint/Safetensors.h"
#include "tests/unit/checkpoint/TestSupport.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cmath>
#include <limits>

namespace g4::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

//===----------------------------------------------------------------------===//
// Numeric helpers
//===----------------------------------------------------------------------===//

TEST(Numeric, Bf16ToFloat) {
  EXPECT_EQ(bf16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(bf16ToFloat(0xC000), -2.0f);
  EXPECT_EQ(bf16ToFloat(0x4049), 3.140625f);
  EXPECT_EQ(bf16ToFloat(0x0001), std::ldexp(1.0f, -133)); // smallest subnormal
  EXPECT_EQ(bf16ToFloat(0x7F80), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(bf16ToFloat(0x7FC0)));
}

TEST(Numeric, F16ToFloat) {
  EXPECT_EQ(f16ToFloat(0x3C00), 1.0f);
  EXPECT_EQ(f16ToFloat(0xC000), -2.0f);
  EXPECT_EQ(f16ToFloat(0x3555), 0.25f * (1 + 0x155 / 1024.0f)); // 0.333251953125
  EXPECT_EQ(f16ToFloat(0x7BFF), 65504.0f);                      // largest finite
  EXPECT_EQ(f16ToFloat(0x0400), std::ldexp(1.0f, -14));         // smallest normal
  EXPECT_EQ(f16ToFloat(0x0001), std::ldexp(1.0f, -24));         // smallest subnormal
  EXPECT_EQ(f16ToFloat(0x83FF), -std::ldexp(1023.0f, -24));     // largest subnormal
  EXPECT_EQ(f16ToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(f16ToFloat(0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f16ToFloat(0x7E00)));
  EXPECT_TRUE(std::signbit(f16ToFloat(0x8000)));
}

TEST(Numeric, DTypeNames) {
  for (llvm::StringRef name : {"F32", "BF16", "F16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL",
                               "F8_E4M3", "F8_E5M2"}) {
    std::optional<DType> dtype = parseDType(name);
    ASSERT_TRUE(dtype) << name.str();
    EXPECT_EQ(dtypeName(*dtype), name);
  }
  EXPECT_FALSE(parseDType("bf16"));
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::I64), 8u);
  EXPECT_TRUE(isFloatWeightDType(DType::F16));
  EXPECT_FALSE(isFloatWeightDType(DType::F64));
}

//===----------------------------------------------------------------------===//
// The fixtures
//===----------------------------------------------------------------------===//

class SafetensorsFixture : public ::testing::TestWithParam<const char *> {};

TEST_P(SafetensorsFixture, OpensWithConsistentRecords) {
  auto file = SafetensorsFile::open(fixtureFile(GetParam()));
  G4_ASSERT_OK(file);
  ASSERT_FALSE((*file)->tensors().empty());
  EXPECT_EQ((*file)->metadata().at("format"), "pt");
  for (const TensorRecord &t : (*file)->tensors()) {
    EXPECT_EQ(t.dtype, DType::BF16) << t.name;
    EXPECT_EQ(t.data().size(), uint64_t(t.numElements()) * 2) << t.name;
    EXPECT_EQ((*file)->lookup(t.name), &t);
  }
  EXPECT_EQ((*file)->lookup("no.such.tensor"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SafetensorsFixture, ::testing::ValuesIn(kFixtures));

// bf16 by hand: sign, 8 exponent bits (bias 127), 7 mantissa bits.
double decodeBf16ByHand(uint16_t bits) {
  int sign = bits >> 15, exponent = (bits >> 7) & 0xff, mantissa = bits & 0x7f;
  double magnitude = exponent == 0 ? std::ldexp(mantissa / 128.0, -126)
                                   : std::ldexp(1.0 + mantissa / 128.0, exponent - 127);
  return sign ? -magnitude : magnitude;
}

TEST(Safetensors, Bf16ValuesMatchRawBytes) {
  const std::string path = fixtureFile("tiny-e2b");
  auto file = SafetensorsFile::open(path);
  G4_ASSERT_OK(file);
  const TensorRecord *record = (*file)->lookup(textName("layers.2.self_attn.q_proj.weight"));
  ASSERT_NE(record, nullptr);
  ASSERT_EQ(record->numElements(), 64 * 96);
  std::vector<float> values(record->numElements());
  ASSERT_FALSE(bool(readAsFloat32(*record, values)));

  // Read the same elements straight from the file, independently of the mapping.
  auto raw = llvm::MemoryBuffer::getFile(path, false, false);
  ASSERT_TRUE(bool(raw));
  const auto *bytes = reinterpret_cast<const uint8_t *>((*raw)->getBufferStart());
  const uint64_t headerLength = llvm::support::endian::read64le(bytes);
  for (int64_t i : {int64_t(0), int64_t(1), int64_t(777), record->numElements() - 1}) {
    const uint8_t *p = bytes + 8 + headerLength + record->begin + 2 * i;
    const uint16_t bits = uint16_t(p[0] | (p[1] << 8));
    EXPECT_EQ(double(values[i]), decodeBf16ByHand(bits)) << "element " << i;
    EXPECT_NE(bits, 0) << "random weights should not be exactly zero";
  }
}

//===----------------------------------------------------------------------===//
// Malformed files
//===----------------------------------------------------------------------===//

// Each test edits a copy of tiny-moe's file, writes it to a temp dir and opens it.
class SafetensorsCorruption : public ::testing::Test {
protected:
  void SetUp() override {
    auto read = SafetensorsImage::read(fixtureFile("tiny-moe"));
    G4_ASSERT_OK(read);
    image = std::move(*read);
    path = dir.file("corrupt.safetensors");
  }

  std::string openError(llvm::StringRef bytes) {
    if (llvm::Error err = writeFile(path, bytes))
      return llvm::toString(std::move(err));
    return errorOf(SafetensorsFile::open(path));
  }
  std::string openError() { return openError(image.serialize()); }

  // The message names this file and `tensor`.
  auto mentions(const std::string &tensor) const {
    return AllOf(HasSubstr(path), HasSubstr("tensor '" + tensor + "'"));
  }

  static constexpr const char *kNorm = "model.language_model.layers.0.input_layernorm.weight";
  static constexpr const char *kNorm2 =
      "model.language_model.layers.0.post_attention_layernorm.weight";
  TempDir dir;
  SafetensorsImage image;
  std::string path;
};

TEST_F(SafetensorsCorruption, FileShorterThanHeaderLength) {
  std::string msg = openError("abc");
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("file is 3 bytes"));
  EXPECT_THAT(msg, HasSubstr("(8 bytes)"));
}

TEST_F(SafetensorsCorruption, HeaderLengthBeyondFile) {
  const std::string bytes = image.serialize();
  std::string msg = openError(image.serialize(/*headerLength=*/bytes.size()));
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("header length " + std::to_string(bytes.size())));
  EXPECT_THAT(msg, HasSubstr("the file has " + std::to_string(bytes.size()) + " bytes"));
  EXPECT_THAT(msg, HasSubstr("the header needs " + std::to_string(bytes.size() + 8)));
}

TEST_F(SafetensorsCorruption, HeaderLengthAbsurd) {
  std::string msg = openError(image.serialize(/*headerLength=*/1ull << 40));
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("header length 1099511627776 is absurd"));
  EXPECT_THAT(msg, HasSubstr("limit 104857600 bytes"));
}

TEST_F(SafetensorsCorruption, MalformedHeaderJSON) {
  const std::string header = "{\"a\": [1, 2";
  std::string bytes(8, '\0');
  llvm::support::endian::write64le(bytes.data(), header.size());
  std::string msg = openError(bytes + header);
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("header is not valid JSON"));
  EXPECT_THAT(msg, HasSubstr("byte=")); // llvm::json's position
}

TEST_F(SafetensorsCorruption, HeaderNotAnObject) {
  const std::string header = "[1, 2]";
  std::string bytes(8, '\0');
  llvm::support::endian::write64le(bytes.data(), header.size());
  std::string msg = openError(bytes + header);
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("header must be a JSON object, found [1,2]"));
}

TEST_F(SafetensorsCorruption, MissingDataOffsets) {
  image.entry(kNorm).erase("data_offsets");
  std::string msg = openError();
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("missing 'data_offsets'"));
}

TEST_F(SafetensorsCorruption, DTypeNotAString) {
  image.entry(kNorm)["dtype"] = 16;
  std::string msg = openError();
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("'dtype' must be a string, found 16"));
}

TEST_F(SafetensorsCorruption, UnknownDType) {
  image.entry(kNorm)["dtype"] = "Q7";
  std::string msg = openError();
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("unknown dtype 'Q7'"));
}

TEST_F(SafetensorsCorruption, NegativeDim) {
  image.entry(kNorm)["shape"] = llvm::json::Array{-72};
  std::string msg = openError();
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("shape[0] must be a non-negative integer, found -72"));
}

TEST_F(SafetensorsCorruption, NonIntegerDim) {
  image.entry(kNorm)["shape"] = llvm::json::Array{1, 71.5};
  std::string msg = openError();
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("shape[1] must be a non-negative integer, found 71.5"));
}

TEST_F(SafetensorsCorruption, IntegralFloatDimIsAccepted) {
  image.entry(kNorm)["shape"] = llvm::json::Array{72.0};
  ASSERT_FALSE(bool(image.write(path)));
  auto file = SafetensorsFile::open(path);
  G4_ASSERT_OK(file);
  EXPECT_EQ((*file)->lookup(kNorm)->shape, (llvm::SmallVector<int64_t, 4>{72}));
}

TEST_F(SafetensorsCorruption, DataOffsetsReversed) {
  image.entry(kNorm)["data_offsets"] = llvm::json::Array{144, 0};
  std::string msg = openError();
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("'data_offsets' must be [begin, end] with 0 <= begin <= end, "
                             "found [144,0]"));
}

TEST_F(SafetensorsCorruption, OverlappingOffsets) {
  // Both norms are [72] BF16, so sizes stay consistent; only the ranges collide.
  llvm::json::Value offsets = *image.entry(kNorm).get("data_offsets");
  image.entry(kNorm2)["data_offsets"] = offsets;
  std::string msg = openError();
  const llvm::json::Array &range = *offsets.getAsArray();
  const std::string bytes = "(bytes [" + std::to_string(*range[0].getAsUINT64()) + ", " +
                            std::to_string(*range[1].getAsUINT64()) + "))";
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr(std::string("'") + kNorm + "' " + bytes));
  EXPECT_THAT(msg, HasSubstr(std::string("'") + kNorm2 + "' " + bytes));
  EXPECT_THAT(msg, HasSubstr("overlap"));
}

TEST_F(SafetensorsCorruption, OffsetsBeyondData) {
  const uint64_t end = image.data.size() + 144;
  image.entry(kNorm)["data_offsets"] = llvm::json::Array{image.data.size(), end};
  const std::string bytes = image.serialize();
  const uint64_t dataStart = bytes.size() - image.data.size();
  std::string msg = openError(bytes);
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("truncated data"));
  EXPECT_THAT(msg, HasSubstr("need the file to have " + std::to_string(dataStart + end) +
                             " bytes, but it has " + std::to_string(bytes.size())));
}

TEST_F(SafetensorsCorruption, TruncatedFile) {
  // The tensor stored last loses its final 10 bytes.
  std::string last;
  uint64_t lastEnd = 0;
  for (const std::string &name : image.tensorNames()) {
    uint64_t end = *(*image.entry(name).getArray("data_offsets"))[1].getAsUINT64();
    if (end > lastEnd)
      std::tie(last, lastEnd) = std::make_pair(name, end);
  }
  const std::string bytes = image.serialize();
  std::string msg = openError(llvm::StringRef(bytes).drop_back(10));
  EXPECT_THAT(msg, mentions(last));
  EXPECT_THAT(msg, HasSubstr("': truncated data"));
  EXPECT_THAT(msg, HasSubstr("need the file to have " + std::to_string(bytes.size()) +
                             " bytes, but it has " + std::to_string(bytes.size() - 10)));
}

TEST_F(SafetensorsCorruption, ByteSizeMismatch) {
  image.entry(kNorm)["shape"] = llvm::json::Array{71};
  std::string msg = openError();
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("hold 144 bytes, but shape [71] of BF16 needs 142 bytes"));
}

TEST_F(SafetensorsCorruption, ShapeWhoseByteSizeOverflows) {
  image.entry(kNorm)["shape"] = llvm::json::Array{int64_t(1) << 40, int64_t(1) << 40};
  std::string msg = openError();
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("hold 144 bytes, but shape [1099511627776, 1099511627776] of "
                             "BF16 needs more than 2^64 bytes"));
}

// A zero dim makes a tensor empty however large the other dims are.
TEST_F(SafetensorsCorruption, EmptyTensorWithHugeDimsIsValid) {
  const int64_t huge = int64_t(1) << 62;
  image.addTensor("empty", "F32", {huge, huge, 0}, 0);
  ASSERT_FALSE(bool(image.write(path)));
  auto file = SafetensorsFile::open(path);
  G4_ASSERT_OK(file);
  EXPECT_EQ((*file)->lookup("empty")->numElements(), 0);
  EXPECT_TRUE((*file)->lookup("empty")->data().empty());
}

TEST_F(SafetensorsCorruption, MetadataValuesMustBeStrings) {
  image.header["__metadata__"] = llvm::json::Object{{"format", 1}};
  std::string msg = openError();
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("'__metadata__' entry 'format' must be a string, found 1"));
}

// A dtype the binder cannot use still opens; it fails only when read as weights.
TEST_F(SafetensorsCorruption, UnsupportedDTypeOpensButCannotBeRead) {
  image.entry(kNorm)["dtype"] = "I16";
  ASSERT_FALSE(bool(image.write(path)));
  auto file = SafetensorsFile::open(path);
  G4_ASSERT_OK(file);
  const TensorRecord *record = (*file)->lookup(kNorm);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->dtype, DType::I16);
  std::vector<float> out(record->numElements());
  std::string msg = llvm::toString(readAsFloat32(*record, out));
  EXPECT_THAT(msg, mentions(kNorm));
  EXPECT_THAT(msg, HasSubstr("cannot read dtype I16 as float"));
}

//===----------------------------------------------------------------------===//
// readAsFloat32 on F32 and F16 (the fixtures only hold BF16)
//===----------------------------------------------------------------------===//

TEST(ReadAsFloat32, DecodesF32AndF16AndChecksTheOutputSize) {
  SafetensorsImage image;
  image.addTensor("f32", "F32", {2}, 8);
  image.addTensor("f16", "F16", {3}, 6);
  const uint8_t bytes[] = {0x00, 0x00, 0xC0, 0x3F, // 1.5f
                           0x00, 0x00, 0x20, 0xC1, // -10.0f
                           0x00, 0x3C, 0x00, 0xC0, // f16 1.0, -2.0
                           0x01, 0x00};            // f16 2^-24
  std::copy(std::begin(bytes), std::end(bytes), image.data.begin());
  TempDir dir;
  const std::string path = dir.file("floats.safetensors");
  ASSERT_FALSE(bool(image.write(path)));
  auto file = SafetensorsFile::open(path);
  G4_ASSERT_OK(file);

  std::vector<float> f32(2), f16(3);
  ASSERT_FALSE(bool(readAsFloat32(*(*file)->lookup("f32"), f32)));
  ASSERT_FALSE(bool(readAsFloat32(*(*file)->lookup("f16"), f16)));
  EXPECT_EQ(f32, (std::vector<float>{1.5f, -10.0f}));
  EXPECT_EQ(f16, (std::vector<float>{1.0f, -2.0f, std::ldexp(1.0f, -24)}));

  std::string msg = llvm::toString(readAsFloat32(*(*file)->lookup("f16"), f32));
  EXPECT_THAT(msg, HasSubstr("tensor 'f16': output holds 2 floats, the tensor has 3 elements"));
}

} // namespace
} // namespace g4::test
