//===- StatusTest.cpp - g4rt status values and the stdio-free formatter ----===//
#include "runtime/g4rt/base/format.h"
#include "runtime/g4rt/base/status.h"

#include "gtest/gtest.h"

#include <climits>
#include <cstdint>
#include <string>

namespace {

std::string format(const char *fmt, ...) {
  char buffer[256];
  va_list args;
  va_start(args, fmt);
  g4rt_vformat(buffer, sizeof(buffer), fmt, args);
  va_end(args);
  return buffer;
}

// Every supported conversion prints what printf would (for %f: trimmed decimals).
TEST(G4rtFormatTest, SupportedConversions) {
  EXPECT_EQ(format("%s|%s", "abc", static_cast<const char *>(nullptr)), "abc|(null)");
  EXPECT_EQ(format("%d %i %d", 0, -42, INT_MIN), "0 -42 -2147483648");
  EXPECT_EQ(format("%u %x", 4000000000u, 255u), "4000000000 ff");
  EXPECT_EQ(format("%lld %llu", LLONG_MIN, ULLONG_MAX),
            "-9223372036854775808 18446744073709551615");
  EXPECT_EQ(format("%ld %lu", -7L, 7UL), "-7 7");
  EXPECT_EQ(format("%zu %llx", size_t(123), 0x6734666b65000001ull), "123 6734666b65000001");
  EXPECT_EQ(format("%c%%", 'x'), "x%");
}

TEST(G4rtFormatTest, Fixed) {
  EXPECT_EQ(format("%f", 1.0), "1");
  EXPECT_EQ(format("%f", 0.95), "0.95");
  EXPECT_EQ(format("%f", -2.5), "-2.5");
  EXPECT_EQ(format("%f", 0.0000004), "0");
  EXPECT_EQ(format("%f", 1.9999999), "2");
  EXPECT_EQ(format("%f", 1e300), "big");
  EXPECT_EQ(format("%f %f", 1.0 / 0.0, -1.0 / 0.0), "inf -inf");
  EXPECT_EQ(format("%f", 0.0 / 0.0), "nan");
}

// Unsupported directives are copied through without consuming an argument.
TEST(G4rtFormatTest, UnsupportedDirectivesAreVerbatim) {
  EXPECT_EQ(format("%5d|%p|%d", 7), "%5d|%p|7");
  EXPECT_EQ(format("trailing %"), "trailing %");
  EXPECT_EQ(format("trailing %ll"), "trailing %ll");
}

// Truncation keeps a terminator and reports the full length, like snprintf.
TEST(G4rtFormatTest, TruncatesAndReportsLength) {
  char small[6];
  EXPECT_EQ(g4rt_format(small, sizeof(small), "%s-%d", "abcdef", 12), 9u);
  EXPECT_STREQ(small, "abcde");
  EXPECT_EQ(g4rt_format(nullptr, 0, "%d", 12345), 5u);
}

TEST(G4rtFormatTest, AppendAccumulatesUntruncatedLength) {
  char buffer[8] = "";
  size_t length = 0;
  g4rt_format_append(buffer, sizeof(buffer), &length, "%s", "abcd");
  g4rt_format_append(buffer, sizeof(buffer), &length, "%d", 12345);
  g4rt_format_append(buffer, sizeof(buffer), &length, "%s", "xyz");
  EXPECT_EQ(length, 12u);
  EXPECT_STREQ(buffer, "abcd123");
}

TEST(G4rtStatusTest, OkIsZeroAndEmpty) {
  g4rt_status_t status = g4rt_ok_status();
  EXPECT_EQ(status.code, 0);
  EXPECT_TRUE(g4rt_status_is_ok(&status));
  EXPECT_STREQ(status.message, "");
  char buffer[32];
  g4rt_status_format(&status, buffer, sizeof(buffer));
  EXPECT_STREQ(buffer, "OK");
}

// A status carries its code, a formatted message and where it was made.
TEST(G4rtStatusTest, MakeStatusFormatsMessageAndLocation) {
  // clang-format off
  int line = __LINE__; g4rt_status_t status = G4RT_MAKE_STATUS(G4RT_STATUS_OUT_OF_RANGE, "token %d >= vocab %lld", 300, 256LL);
  // clang-format on
  EXPECT_FALSE(g4rt_status_is_ok(&status));
  EXPECT_STREQ(status.message, "token 300 >= vocab 256");
  EXPECT_EQ(status.line, line);
  ASSERT_NE(status.file, nullptr);
  EXPECT_NE(std::string(status.file).find("StatusTest.cpp"), std::string::npos);
  char buffer[64];
  g4rt_status_format(&status, buffer, sizeof(buffer));
  EXPECT_STREQ(buffer, "OUT_OF_RANGE: token 300 >= vocab 256");
}

TEST(G4rtStatusTest, LongMessagesAreTruncatedSafely) {
  std::string longText(1000, 'x');
  g4rt_status_t status =
      G4RT_MAKE_STATUS(G4RT_STATUS_INTERNAL, "%s", longText.c_str());
  EXPECT_EQ(std::string(status.message), longText.substr(0, G4RT_STATUS_MESSAGE_CAPACITY - 1));
}

TEST(G4rtStatusTest, CodeNames) {
  EXPECT_STREQ(g4rt_status_code_name(G4RT_STATUS_INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_STREQ(g4rt_status_code_name(G4RT_STATUS_RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_STREQ(g4rt_status_code_name(G4RT_STATUS_DATA_LOSS), "DATA_LOSS");
  EXPECT_STREQ(g4rt_status_code_name(static_cast<g4rt_status_code_t>(99)), "UNKNOWN");
}

g4rt_status_t failsWhen(bool fail, int *reached) {
  G4RT_RETURN_IF_ERROR(fail ? G4RT_MAKE_STATUS(G4RT_STATUS_INTERNAL, "boom")
                            : g4rt_ok_status());
  *reached = 1;
  return g4rt_ok_status();
}

// RETURN_IF_ERROR returns the first error and skips the rest.
TEST(G4rtStatusTest, ReturnIfErrorPropagates) {
  int reached = 0;
  g4rt_status_t status = failsWhen(true, &reached);
  EXPECT_EQ(status.code, G4RT_STATUS_INTERNAL);
  EXPECT_STREQ(status.message, "boom");
  EXPECT_EQ(reached, 0);
  status = failsWhen(false, &reached);
  EXPECT_TRUE(g4rt_status_is_ok(&status));
  EXPECT_EQ(reached, 1);
}

} // namespace
