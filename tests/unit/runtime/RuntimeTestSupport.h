//===- RuntimeTestSupport.h - Helpers of the g4rt unit tests -----*- C++ -*-===//
//
// Weight blobs and executables for the fake model (FakeModel.h), temporary files,
// and running a program with its stdout/stderr captured.
//
//===----------------------------------------------------------------------===//
#ifndef G4RT_TESTS_UNIT_RUNTIME_RUNTIMETESTSUPPORT_H
#define G4RT_TESTS_UNIT_RUNTIME_RUNTIMETESTSUPPORT_H

#include "runtime/g4rt/abi/model_abi.h"
#include "runtime/g4rt/base/status.h"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace g4rt::test {

/// The fake model's weights[0] (FakeModel.h's formula adds it to every target).
inline constexpr uint8_t kFakeWeight0 = 3;

/// A header that validates against the fake model: data at offset 128.
g4_weights_header_t fakeHeader();

/// The header followed by padding up to header.data_offset and `dataBytes` bytes of
/// data (data[0] == kFakeWeight0, then a counting pattern).
std::vector<uint8_t> makeBlob(const g4_weights_header_t &header, size_t dataBytes);

/// makeBlob(fakeHeader(), the fake's weights_bytes).
std::vector<uint8_t> fakeBlob();

/// `size` bytes aligned to G4_TENSOR_ALIGNMENT (the session requires aligned data).
struct AlignedBytes {
  explicit AlignedBytes(const std::vector<uint8_t> &bytes);
  uint8_t *data() { return storage.get(); }
  size_t size() const { return bytes; }
  std::unique_ptr<uint8_t, decltype(&std::free)> storage{nullptr, &std::free};
  size_t bytes = 0;
};

/// The fake model's reference greedy continuation of `prompt`: what the executable
/// must print for --greedy (stopping after eos or `maxNew` ids).
std::vector<int32_t> fakeGreedy(const std::vector<int32_t> &prompt, int64_t maxNew);

/// The fake model's reference logits for every prompt position, row-major.
std::vector<float> fakePromptLogits(const std::vector<int32_t> &prompt);

/// A fresh directory under the test temp dir, unique per call. Whoever made it removes
/// it with removeTempDir, so repeated test runs leave nothing behind.
std::string makeTempDir();

/// Removes `dir` (from makeTempDir) and everything in it; reports a failure if it cannot.
void removeTempDir(const std::string &dir);

std::string readFile(const std::string &path);
void writeFile(const std::string &path, const std::vector<uint8_t> &bytes);

/// Copies `exe` to `out`, pads to a 4096 boundary, appends `blob`, then (when `text` is
/// not empty) zeros up to a multiple of 8 and the text section `text`, and a trailer, and
/// makes it executable. `trailer` overrides the computed trailer when non-null.
void appendBlob(const std::string &exe, const std::vector<uint8_t> &blob, const std::string &out,
                const g4_exe_trailer_t *trailer = nullptr, const std::vector<uint8_t> &text = {});

struct RunResult {
  int exitCode = -1;  ///< -1 when killed by a signal
  int signal = 0;     ///< the signal that ended it, 0 if it exited
  std::string out;
  std::string err;
};

/// Runs `exe args...` with stdout/stderr captured; `env` entries ("K=V") are added
/// to the environment. With `input`, stdin reads it (else stdin is inherited).
RunResult runProgram(const std::string &exe, const std::vector<std::string> &args,
                     const std::vector<std::string> &env = {},
                     const std::optional<std::string> &input = std::nullopt);

/// Checks a failed run of a main: `exitCode`, nothing on stdout, "error: ..." on stderr
/// containing every one of `substrings`.
void expectError(const RunResult &result, int exitCode,
                 const std::vector<std::string> &substrings);

/// "CODE: message" of a status, for gtest messages.
std::string describe(const g4rt_status_t &status);

} // namespace g4rt::test

#endif // G4RT_TESTS_UNIT_RUNTIME_RUNTIMETESTSUPPORT_H
