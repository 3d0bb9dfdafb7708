//===- TargetSelection.cpp - --target / --mcpu / --mattr ------------------===//

#include "targets/CPU/TargetSelection.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace g4 {

namespace {
llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The host's CPU features in LLVM spelling, for `--mcpu` left empty on the host.
std::string hostFeatures() {
  std::string features;
  for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
    features += (features.empty() ? "" : ",") + std::string(enabled ? "+" : "-") + name.str();
  return features;
}
} // namespace

llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createTargetMachine(const TargetSpec &spec) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();

  bool host = spec.triple.empty();
  // Normalised, so vendor-less spellings like aarch64-linux-gnu are understood.
  llvm::Triple triple(llvm::Triple::normalize(host ? llvm::sys::getDefaultTargetTriple()
                                                   : spec.triple));
  if (!host && (triple.getArch() == llvm::Triple::UnknownArch ||
                triple.getOS() == llvm::Triple::UnknownOS))
    return error("--target=" + spec.triple +
                 ": unknown target triple (expected e.g. x86_64-linux-gnu or aarch64-linux-gnu)");
  std::string lookupError;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!target)
    return error("--target=" + triple.str() + ": " + lookupError);
  if (triple.getArch() != llvm::Triple::x86_64 && triple.getArch() != llvm::Triple::aarch64)
    return error("--target=" + (host ? triple.str() : spec.triple) +
                 ": g4c generates code for x86_64 and aarch64 CPUs only");

  std::string cpu = spec.cpu;
  std::string features = spec.features;
  if (cpu.empty() && host) {
    cpu = llvm::sys::getHostCPUName().str();
    std::string hostSet = hostFeatures();
    features = features.empty() ? hostSet : hostSet + "," + features;
  }
  if (cpu.empty())
    cpu = "generic";

  // Check the CPU and features before creating the machine: LLVM would otherwise print
  // its own "not a recognized processor/feature" warnings first.
  std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(triple, "", ""));
  if (!sti->isCPUStringValid(cpu))
    return error("--mcpu=" + cpu + ": not a CPU of " + triple.getArchName().str());
  llvm::SmallVector<llvm::StringRef> requested;
  llvm::StringRef(spec.features).split(requested, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef feature : requested) {
    if (feature.size() < 2 || (feature[0] != '+' && feature[0] != '-'))
      return error("--mattr: '" + feature + "' must be +name or -name");
    if (!llvm::any_of(sti->getAllProcessorFeatures(), [&](const llvm::SubtargetFeatureKV &kv) {
          return feature.drop_front() == kv.Key;
        }))
      return error("--mattr: '" + feature.drop_front() + "' is not a feature of " +
                   triple.getArchName().str());
  }

  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      spec.optLevel <= 0   ? llvm::CodeGenOptLevel::None
      : spec.optLevel == 1 ? llvm::CodeGenOptLevel::Less
      : spec.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                           : llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return error("cannot create a target machine for " + triple.str());
  return std::move(machine);
}

} // namespace g4
