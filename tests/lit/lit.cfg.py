# -*- Python -*-
# lit configuration for g4's FileCheck suites. The tree mirrors the source tree.
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "G4"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.g4_obj_root, "tests", "lit")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

config.substitutions.append(("%testdata", config.g4_testdata_dir))
config.substitutions.append(("%modeldefs", os.path.join(config.g4_src_root, "model_defs")))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%scripts", os.path.join(config.g4_src_root, "tests", "lit", "scripts")))

tool_dirs = [config.g4_tools_dir, config.llvm_tools_dir]
tools = ["g4-opt", "g4c"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Executing lowered MLIR (the microkernel run tests): mlir-runner and the C runner
# utilities of the same LLVM, and the host's vector extensions for target idioms.
config.substitutions.append(("%mlir_runner", os.path.join(config.llvm_tools_dir, "mlir-runner")))
config.substitutions.append(
    ("%mlir_c_runner_utils",
     os.path.join(config.llvm_tools_dir, "..", "lib", "libmlir_c_runner_utils.so.22.1")))
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line.split(":", 1)[1].split() for line in cpuinfo
                      if line.startswith("flags")), [])
except OSError:
    flags = []
if "avx2" in flags:
    config.available_features.add("host-avx2")
if ("avx512_vnni" in flags and "avx512vl" in flags) or "avx_vnni" in flags:
    config.available_features.add("host-vnni")

# Cross-compiled AArch64 code run under user-mode qemu (the SVE run tests): the cross
# C compiler links against Debian's aarch64 sysroot, which qemu is pointed at.
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("qemu-aarch64")
    config.substitutions.append(("%aarch64_cc", "aarch64-linux-gnu-gcc"))
    config.substitutions.append(("%qemu_aarch64", "qemu-aarch64 -L /usr/aarch64-linux-gnu"))
