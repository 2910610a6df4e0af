# Shared build helpers: warnings, sanitizers and siem_add_library().

set(SIEM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wimplicit-fallthrough)
if(SIEM_WERROR)
  list(APPEND SIEM_WARNINGS -Werror)
endif()

if(SIEM_SANITIZE)
  add_compile_options(-fsanitize=${SIEM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${SIEM_SANITIZE})
endif()

# siem_add_library(NAME <m> SRCS ... DEPS ... PRIVATE_DEPS ...)
# Creates siem_<m> with alias siem::<m>; include/ is public, src/ private.
function(siem_add_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(siem_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(siem::${ARG_NAME} ALIAS siem_${ARG_NAME})
  target_compile_features(siem_${ARG_NAME} PUBLIC cxx_std_20)
  target_include_directories(siem_${ARG_NAME}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_compile_options(siem_${ARG_NAME} PRIVATE ${SIEM_WARNINGS})
  target_link_libraries(siem_${ARG_NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# siem_add_test(NAME <n> SRCS ... DEPS ... LABELS ...)
# A Boost.Test executable registered with ctest.
function(siem_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${SIEM_WARNINGS})
  target_compile_definitions(${ARG_NAME} PRIVATE BOOST_TEST_DYN_LINK
    SIEM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} Boost::unit_test_framework)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  if(ARG_LABELS)
    set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()
