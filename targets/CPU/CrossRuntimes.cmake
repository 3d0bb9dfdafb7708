# The runtime built for each cross target g4c links executables for. Each is a separate
# CMake build of runtime/ (which configures on its own) with clang --target=<triple>;
# its archives and g4rt-link.txt land in ${CMAKE_BINARY_DIR}/targets/<arch>/lib, where
# g4c looks when --target names another architecture.
include(ExternalProject)

option(G4_CROSS_RUNTIMES "Build the runtime for cross targets (AArch64)" ON)

function(g4_add_cross_runtime arch triple)
  ExternalProject_Add(g4rt-${arch}
    SOURCE_DIR ${PROJECT_SOURCE_DIR}/runtime
    BINARY_DIR ${CMAKE_BINARY_DIR}/targets/${arch}
    CMAKE_GENERATOR Ninja
    CMAKE_ARGS
      -DCMAKE_BUILD_TYPE=Release
      -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
      -DCMAKE_C_COMPILER_TARGET=${triple}
      -DCMAKE_SYSTEM_NAME=Linux
      -DCMAKE_SYSTEM_PROCESSOR=${arch}
      -DCMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER}
    BUILD_ALWAYS ON     # the sources are the runtime's: let its own ninja decide
    INSTALL_COMMAND ""
    EXCLUDE_FROM_ALL OFF)
  set_property(GLOBAL APPEND PROPERTY G4_CROSS_RUNTIME_TARGETS g4rt-${arch})
endfunction()

if(G4_CROSS_RUNTIMES)
  g4_add_cross_runtime(aarch64 aarch64-linux-gnu)
endif()
