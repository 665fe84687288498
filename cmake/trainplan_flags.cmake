# Warning and sanitizer flags, applied per target (never to third-party code).
function(trainplan_target_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O3 reports `"literal" + std::string` as overlapping memcpy (GCC bug 105329,
    # a false positive fixed in GCC 13).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(TRAINPLAN_FATAL_WARNINGS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(TRAINPLAN_SANITIZE AND NOT EMSCRIPTEN)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

if(EMSCRIPTEN)
  # yaml-cpp and nlohmann/json report errors by throwing; catching needs -fexceptions at compile
  # and link time for every target (../shared/docs/toolchain.md section 3).
  add_compile_options(-fexceptions)
  add_link_options(-fexceptions)
endif()
