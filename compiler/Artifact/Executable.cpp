//===- Executable.cpp - Link with the runtime and append the weights ------===//

#include "compiler/Artifact/Artifact.h"
#include "runtime/g4rt/abi/model_abi.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <cstring>

namespace g4 {

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

llvm::Expected<std::vector<std::string>> runtimeArchives(const LinkOptions &options,
                                                         llvm::StringRef linkList) {
  llvm::SmallString<256> list(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(options.g4cPath)));
  std::string arch = crossArchitecture(options.triple);
  if (!arch.empty())
    llvm::sys::path::append(list, "targets", arch);
  llvm::sys::path::append(list, "lib", linkList);
  auto buffer = llvm::MemoryBuffer::getFile(list);
  if (!buffer)
    return error(list + ": cannot read the runtime link list (" + buffer.getError().message() +
                 "); is the runtime built next to g4c?");
  std::vector<std::string> archives;
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.empty())
      continue;
    if (!llvm::sys::fs::exists(line))
      return error(list + ": runtime archive " + line + " does not exist");
    archives.push_back(line.str());
  }
  return archives;
}

std::string crossArchitecture(llvm::StringRef triple) {
  if (triple.empty())
    return "";
  llvm::Triple target(llvm::Triple::normalize(triple));
  llvm::Triple host(llvm::sys::getDefaultTargetTriple());
  return target.getArch() == host.getArch() ? "" : target.getArchName().str();
}

llvm::Error linkWithRuntime(llvm::StringRef objectPath, llvm::StringRef outputPath,
                            const LinkOptions &options, llvm::StringRef linkList) {
  llvm::Expected<std::vector<std::string>> archives = runtimeArchives(options, linkList);
  if (!archives)
    return archives.takeError();
  const char *cc = std::getenv("G4_CC");
  std::string compiler = cc && *cc ? cc : G4_DEFAULT_CC;
  llvm::ErrorOr<std::string> program = llvm::sys::findProgramByName(compiler);
  if (!program)
    return error("cannot find the C compiler driver '" + compiler +
                 "' used to link (set G4_CC to override)");
  std::vector<std::string> args{*program, "-fuse-ld=lld", "-o", outputPath.str(),
                                objectPath.str()};
  if (!options.triple.empty())
    args.push_back("--target=" + options.triple);
  args.insert(args.end(), archives->begin(), archives->end());
  args.push_back("-lm");
  args.push_back("-pthread"); // the runtime's thread pool (part of libc only from glibc 2.34)

  llvm::SmallString<128> log;
  llvm::sys::fs::createTemporaryFile("g4c-link", "log", log);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(), log.str()};
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*program, argRefs, std::nullopt, redirects, 0, 0, &message);
  auto output = llvm::MemoryBuffer::getFile(log);
  llvm::sys::fs::remove(log);
  if (rc != 0) {
    std::string command = llvm::join(args, " ");
    return error("linking failed (" + (message.empty() ? "exit " + std::to_string(rc) : message) +
                 "): " + command + "\n" + (output ? (*output)->getBuffer().str() : ""));
  }
  return llvm::Error::success();
}

llvm::Error writeExecutable(llvm::StringRef objectPath, llvm::StringRef outputPath,
                            const MemoryPlan &plan, uint64_t fingerprint, const TensorFiller &fill,
                            const LinkOptions &options, llvm::StringRef textSection) {
  std::string partial = (outputPath + ".partial").str();
  if (llvm::Error e = linkWithRuntime(objectPath, partial, options, "g4rt-link.txt"))
    return e;

  uint64_t size = 0;
  if (std::error_code sec = llvm::sys::fs::file_size(partial, size))
    return error(partial + ": " + sec.message());
  std::error_code ec;
  llvm::raw_fd_ostream os(partial, ec, llvm::sys::fs::OF_Append);
  if (ec)
    return error(partial + ": " + ec.message());
  // The blob starts on a page boundary so the runtime can map it in place. (tell() of an
  // appending stream counts from where it started, not from the file start.)
  uint64_t blobOffset = (size + 4095) / 4096 * 4096;
  os.write_zeros(blobOffset - size);
  if (llvm::Error e = writeWeightBlob(os, plan, fingerprint, fill)) {
    llvm::sys::fs::remove(partial);
    return e;
  }
  g4_exe_trailer_t trailer{};
  std::memcpy(trailer.magic, G4_TRAILER_MAGIC, sizeof(trailer.magic));
  trailer.blob_offset = blobOffset;
  trailer.blob_bytes = size + os.tell() - blobOffset;
  if (!textSection.empty()) {
    // The packed tokenizer is used in place: its section starts 8-aligned.
    uint64_t blobEnd = trailer.blob_offset + trailer.blob_bytes;
    trailer.text_offset = (blobEnd + 7) / 8 * 8;
    trailer.text_bytes = textSection.size();
    os.write_zeros(trailer.text_offset - blobEnd);
    os << textSection;
  }
  os.write(reinterpret_cast<const char *>(&trailer), sizeof(trailer));
  os.close();
  if (os.has_error())
    return error(partial + ": write failed: " + os.error().message());
  if (std::error_code rename = llvm::sys::fs::rename(partial, outputPath))
    return error(outputPath + ": " + rename.message());
  llvm::sys::fs::setPermissions(outputPath, llvm::sys::fs::all_read | llvm::sys::fs::all_exe |
                                                llvm::sys::fs::owner_write);
  return llvm::Error::success();
}

} // namespace g4
