//===- TargetSelection.h - --target / --mcpu / --mattr -----------*- C++ -*-===//
//
// Resolves the user's target spelling (LLVM's: a triple, a CPU name, +feat,-feat) to an
// llvm::TargetMachine, rejecting unknown triples, CPUs and features with a clear error.
// The default is the host.
//
//===----------------------------------------------------------------------===//
#ifndef G4_TARGETS_CPU_TARGETSELECTION_H
#define G4_TARGETS_CPU_TARGETSELECTION_H

#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace g4 {

struct TargetSpec {
  std::string triple; // empty: the host
  std::string cpu;    // empty: "native" on the host, the triple's generic CPU otherwise
  std::string features; // "+avx2,-avx512f"
  int optLevel = 3;      // code generator level, 0-3 (as g4c -O)
};

llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createTargetMachine(const TargetSpec &spec);

} // namespace g4

#endif // G4_TARGETS_CPU_TARGETSELECTION_H
