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
  # The page's size budget (issue 6: .wasm + .js at most 500 KB gzipped). Measured with bench/web_budgets.js once
  # the page also generated plan files (yaml-cpp's emitter, the launch commands): -O3 559 KB; -Os (the preset's
  # MinSizeRel) 449 KB; -Os with link-time optimisation 411 KB, which also drops unused code across libraries.
  # The default grid's search then takes 2.8 ms in the page instead of 1.1 ms at -O3 (budget 16 ms).
  add_compile_options(-flto)
  add_link_options(-flto)
endif()
