# Bakes version, commit and commit date into the binary. The date is the commit's,
# not the build time, so two builds of one commit are byte-identical.
find_package(Git QUIET)
set(AICR_GIT_COMMIT "unknown")
set(AICR_GIT_DATE "unknown")
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _commit
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc1)
  execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%cI
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _date
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc2)
  if(_rc1 EQUAL 0 AND _commit)
    set(AICR_GIT_COMMIT "${_commit}")
  endif()
  if(_rc2 EQUAL 0 AND _date)
    set(AICR_GIT_DATE "${_date}")
  endif()
endif()
