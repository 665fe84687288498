# Third-party libraries: Debian -dev packages natively; source trees under Emscripten.
if(EMSCRIPTEN)
  if(NOT EXISTS "${TRAINPLAN_YAML_CPP_DIR}/CMakeLists.txt")
    message(FATAL_ERROR "TRAINPLAN_YAML_CPP_DIR='${TRAINPLAN_YAML_CPP_DIR}' is not a yaml-cpp source tree; "
                        "run scripts/fetch_web_sources.sh and pass the -D flags it prints")
  endif()
  set(YAML_CPP_BUILD_TESTS OFF CACHE BOOL "" FORCE)
  set(YAML_CPP_BUILD_TOOLS OFF CACHE BOOL "" FORCE)
  set(YAML_CPP_BUILD_CONTRIB OFF CACHE BOOL "" FORCE)
  set(YAML_BUILD_SHARED_LIBS OFF CACHE BOOL "" FORCE)
  add_subdirectory(${TRAINPLAN_YAML_CPP_DIR} yaml-cpp EXCLUDE_FROM_ALL)
  # Third-party headers are SYSTEM so our -Wshadow/-Werror never fire on them.
  set_target_properties(yaml-cpp PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES
                        $<TARGET_PROPERTY:yaml-cpp,INTERFACE_INCLUDE_DIRECTORIES>)
  target_compile_options(yaml-cpp PRIVATE -w)
  # nlohmann/json is header-only; expose only its own directory (never /usr/include, whose host
  # headers would shadow the Emscripten sysroot).
  set(_json_include "${CMAKE_BINARY_DIR}/nlohmann_include")
  file(MAKE_DIRECTORY "${_json_include}")
  if(NOT EXISTS "${_json_include}/nlohmann")
    file(CREATE_LINK /usr/include/nlohmann "${_json_include}/nlohmann" SYMBOLIC)
  endif()
  add_library(nlohmann_json INTERFACE)
  target_include_directories(nlohmann_json SYSTEM INTERFACE "${_json_include}")
  add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json)
else()
  find_package(yaml-cpp REQUIRED)          # Debian defines the plain target `yaml-cpp`
  find_package(nlohmann_json 3.10 REQUIRED)
  find_package(CLI11 REQUIRED)
endif()
