//===- RuntimeTestSupport.cpp - Helpers of the g4rt unit tests -------------===//
#include "tests/unit/runtime/RuntimeTestSupport.h"

#include "tests/unit/runtime/FakeModel.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace g4rt::test {

g4_weights_header_t fakeHeader() {
  g4_weights_header_t header;
  std::memset(&header, 0, sizeof(header));
  std::memcpy(header.magic, G4_WEIGHTS_MAGIC, 8);
  header.version = G4_WEIGHTS_VERSION;
  header.header_bytes = sizeof(g4_weights_header_t);
  header.fingerprint = G4RT_FAKE_FINGERPRINT;
  header.data_offset = 128;
  header.data_bytes = G4RT_FAKE_WEIGHTS_BYTES;
  header.num_tensors = 1;
  return header;
}

std::vector<uint8_t> makeBlob(const g4_weights_header_t &header, size_t dataBytes) {
  size_t dataOffset = header.data_offset;
  if (dataOffset < sizeof(header))
    dataOffset = sizeof(header); // keep the bytes well-formed for odd headers
  std::vector<uint8_t> blob(dataOffset + dataBytes, 0);
  std::memcpy(blob.data(), &header, sizeof(header));
  for (size_t i = 0; i < dataBytes; ++i)
    blob[dataOffset + i] = i == 0 ? kFakeWeight0 : uint8_t(i * 5);
  return blob;
}

std::vector<uint8_t> fakeBlob() { return makeBlob(fakeHeader(), G4RT_FAKE_WEIGHTS_BYTES); }

AlignedBytes::AlignedBytes(const std::vector<uint8_t> &source) : bytes(source.size()) {
  size_t rounded = (bytes + G4_TENSOR_ALIGNMENT) / G4_TENSOR_ALIGNMENT * G4_TENSOR_ALIGNMENT;
  storage.reset(static_cast<uint8_t *>(std::aligned_alloc(G4_TENSOR_ALIGNMENT, rounded)));
  std::memcpy(storage.get(), source.data(), bytes);
}

/// FakeModel.h's target for position `pos` of `sequence`.
static int32_t fakeTarget(const std::vector<int32_t> &sequence, size_t pos) {
  int64_t sum = 0;
  for (size_t j = 0; j < pos; ++j)
    sum += sequence[j];
  return int32_t((sequence[pos] * 7 + int64_t(pos) + kFakeWeight0 + sum) % G4RT_FAKE_VOCAB);
}

std::vector<int32_t> fakeGreedy(const std::vector<int32_t> &prompt, int64_t maxNew) {
  std::vector<int32_t> sequence = prompt, generated;
  for (int64_t i = 0; i < maxNew; ++i) {
    int32_t next = fakeTarget(sequence, sequence.size() - 1);
    generated.push_back(next);
    if (next == G4RT_FAKE_EOS)
      break;
    sequence.push_back(next);
  }
  return generated;
}

std::vector<float> fakePromptLogits(const std::vector<int32_t> &prompt) {
  std::vector<float> logits;
  for (size_t pos = 0; pos < prompt.size(); ++pos) {
    int32_t target = fakeTarget(prompt, pos);
    for (int v = 0; v < G4RT_FAKE_VOCAB; ++v)
      logits.push_back(-float(v - target) * float(v - target));
  }
  return logits;
}

std::string makeTempDir() {
  std::string pattern = ::testing::TempDir() + "g4rt-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data()))
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
  return buffer.data();
}

void removeTempDir(const std::string &dir) {
  std::error_code error;
  std::filesystem::remove_all(dir, error);
  if (error)
    ADD_FAILURE() << "cannot remove " << dir << ": " << error.message();
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

void appendBlob(const std::string &exe, const std::vector<uint8_t> &blob, const std::string &out,
                const g4_exe_trailer_t *trailer, const std::vector<uint8_t> &text) {
  std::string program = readFile(exe);
  ASSERT_FALSE(program.empty()) << "cannot read " << exe;
  std::vector<uint8_t> bytes(program.begin(), program.end());
  bytes.resize((bytes.size() + 4095) / 4096 * 4096, 0);
  g4_exe_trailer_t computed;
  std::memset(&computed, 0, sizeof(computed));
  std::memcpy(computed.magic, G4_TRAILER_MAGIC, 8);
  computed.blob_offset = bytes.size();
  computed.blob_bytes = blob.size();
  bytes.insert(bytes.end(), blob.begin(), blob.end());
  if (!text.empty()) {
    bytes.resize((bytes.size() + 7) / 8 * 8, 0);
    computed.text_offset = bytes.size();
    computed.text_bytes = text.size();
    bytes.insert(bytes.end(), text.begin(), text.end());
  }
  const g4_exe_trailer_t &chosen = trailer ? *trailer : computed;
  const auto *raw = reinterpret_cast<const uint8_t *>(&chosen);
  bytes.insert(bytes.end(), raw, raw + sizeof(chosen));
  writeFile(out, bytes);
  ASSERT_EQ(chmod(out.c_str(), 0755), 0);
}

void expectError(const RunResult &result, int exitCode,
                 const std::vector<std::string> &substrings) {
  EXPECT_EQ(result.exitCode, exitCode) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, ::testing::StartsWith("error: "));
  for (const std::string &text : substrings)
    EXPECT_THAT(result.err, ::testing::HasSubstr(text));
}

RunResult runProgram(const std::string &exe, const std::vector<std::string> &args,
                     const std::vector<std::string> &env, const std::optional<std::string> &input) {
  RunResult result;
  std::string dir = makeTempDir();
  std::string outPath = dir + "/stdout", errPath = dir + "/stderr", inPath = dir + "/stdin";
  if (input)
    writeFile(inPath, std::vector<uint8_t>(input->begin(), input->end()));

  std::vector<char *> argv{const_cast<char *>(exe.c_str())};
  for (const std::string &arg : args)
    argv.push_back(const_cast<char *>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char *> envp;
  for (char **e = environ; *e; ++e)
    envp.push_back(*e);
  for (const std::string &entry : env)
    envp.push_back(const_cast<char *>(entry.c_str()));
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (input)
    posix_spawn_file_actions_addopen(&actions, 0, inPath.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid;
  int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot spawn " << exe << ": " << std::strerror(rc);
    return result;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status))
    result.exitCode = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.signal = WTERMSIG(status);
  result.out = readFile(outPath);
  result.err = readFile(errPath);
  removeTempDir(dir);
  return result;
}

std::string describe(const g4rt_status_t &status) {
  char buffer[512];
  g4rt_status_format(&status, buffer, sizeof(buffer));
  return buffer;
}

} // namespace g4rt::test
