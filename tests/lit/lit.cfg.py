# -*- Python -*-
# lit configuration for g4's FileCheck suites. The tree mirrors the source tree.
import os

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
