# Thin wrappers over MLIR's CMake functions for the shapes that repeat in g4.

# g4_add_pass_library(<library> TABLEGEN_NAME <name> DOC <doc name>
#                     SOURCES <files> [DEPENDS <targets>] [LINK <g4 libraries>]
#                     MLIR_LINK <MLIR libraries>)
# A library of passes declared in the folder's Passes.td: generates Passes.h.inc
# (-gen-pass-decls -name <name>) as target <library>IncGen, the pass documentation
# (docs/passes/<doc name>.md in the build tree) and the library itself, linked against
# libMLIR.so (toolchain.md pitfall 3).
function(g4_add_pass_library library)
  cmake_parse_arguments(ARG "" "TABLEGEN_NAME;DOC" "SOURCES;DEPENDS;LINK;MLIR_LINK" ${ARGN})
  set(LLVM_TARGET_DEFINITIONS Passes.td)
  mlir_tablegen(Passes.h.inc -gen-pass-decls -name ${ARG_TABLEGEN_NAME})
  add_public_tablegen_target(${library}IncGen)
  add_mlir_doc(Passes ${ARG_DOC} passes/ -gen-pass-doc)
  add_mlir_library(${library} ${ARG_SOURCES} DEPENDS ${library}IncGen ${ARG_DEPENDS})
  if(ARG_LINK)
    target_link_libraries(${library} PUBLIC ${ARG_LINK})
  endif()
  mlir_target_link_libraries(${library} PUBLIC ${ARG_MLIR_LINK})
endfunction()
