# aicr_cc_library(NAME <module> SRCS ... [HDRS ...] [DEPS ...] [PRIVATE_DEPS ...])
# One STATIC library per module: target aicr_<module>, alias aicr::<module>.
# Includes are rooted at src/. DEPS are the declared module dependencies; the
# layering test reads them, so list every module whose headers you include.
function(aicr_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;HDRS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target aicr_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SRCS} ${ARG_HDRS})
  add_library(aicr::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS} aicr_warnings)
endfunction()

# Where scripts/install-tools.sh puts the pinned real tools (helm, kubectl) the
# tests run against generated artifacts; tests/testing/tools.h reads it (the
# environment variable of the same name overrides it at run time).
set(AICR_TOOLS_BIN "${PROJECT_SOURCE_DIR}/build/tools/bin" CACHE PATH
    "Directory holding the pinned test tools (scripts/install-tools.sh)")

# aicr_cc_test(NAME <name> SRCS ... DEPS ...)
# A gtest binary registered with CTest through gtest_discover_tests.
function(aicr_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} aicr_testing GTest::gmock GTest::gtest_main
                                            aicr_test_warnings)
  target_compile_definitions(${ARG_NAME} PRIVATE
    AICR_SOURCE_DIR="${PROJECT_SOURCE_DIR}" AICR_BINARY_DIR="${PROJECT_BINARY_DIR}"
    AICR_TOOLS_BIN="${AICR_TOOLS_BIN}")
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "AICR_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
