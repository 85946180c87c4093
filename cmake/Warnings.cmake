# One INTERFACE target carries the project's warning set; every module links it.
add_library(aicr_warnings INTERFACE)
target_compile_options(aicr_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference
  -Wformat=2 -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:GNU>:-Wduplicated-cond -Wlogical-op -Wsuggest-override>)
if(AICR_WERROR)
  target_compile_options(aicr_warnings INTERFACE -Werror)
endif()

# Tests use gtest macros that trip the stricter conversion checks; keep the rest.
add_library(aicr_test_warnings INTERFACE)
target_compile_options(aicr_test_warnings INTERFACE -Wall -Wextra -Wshadow -Wno-sign-compare)
if(AICR_WERROR)
  target_compile_options(aicr_test_warnings INTERFACE -Werror)
endif()
