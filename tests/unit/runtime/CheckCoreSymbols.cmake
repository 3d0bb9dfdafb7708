# Fails unless every undefined symbol of a core archive (g4rt, g4rt_fw) is a g4rt_ or
# g4fw_ symbol or one of the two libc functions the firmware library may need
# (docs/firmware.md): no malloc, stdio, OS calls or libm.
# Usage: cmake -DNM=<nm> -DLIBRARY=<libg4rt.a> -P CheckCoreSymbols.cmake
cmake_minimum_required(VERSION 3.20)
set(allowed memcpy memset)
execute_process(COMMAND ${NM} -u ${LIBRARY} OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -u ${LIBRARY} failed")
endif()
string(REGEX MATCHALL "U [^\n]+" undefined "${listing}")
set(bad "")
foreach(entry ${undefined})
  string(SUBSTRING "${entry}" 2 -1 symbol)
  if(NOT symbol MATCHES "^g4(rt|fw)_" AND NOT symbol IN_LIST allowed)
    list(APPEND bad ${symbol})
  endif()
endforeach()
if(bad)
  list(REMOVE_DUPLICATES bad)
  message(FATAL_ERROR "${LIBRARY} calls outside the allowed set (${allowed}): ${bad}")
endif()
message(STATUS "${LIBRARY}: only allowed external symbols")
