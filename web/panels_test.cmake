# The page's panels on a headless ImGui (no window, no GL: ImGui's "null backend" practice), as a native
# test; included by tests/CMakeLists.txt. ImGui's sources are the ones the web build uses: TRAINPLAN_IMGUI_DIR,
# else the tree scripts/fetch_web_sources.sh unpacks under .cache (scripts/setup.sh runs it), fetched the same
# way here when missing. Without them the test is a failing placeholder that says so, never silently absent.
if(NOT EMSCRIPTEN)
  set(_tp_imgui "${TRAINPLAN_IMGUI_DIR}")
  if(NOT EXISTS "${_tp_imgui}/imgui.h")
    set(_tp_cache "$ENV{TRAINPLAN_CACHE}")
    if(_tp_cache STREQUAL "")
      set(_tp_cache "${PROJECT_SOURCE_DIR}/.cache")
    endif()
    set(_tp_imgui "${_tp_cache}/web-sources/src/imgui-1.86")
    if(NOT EXISTS "${_tp_imgui}/imgui.h")
      message(STATUS "test_web_panels: fetching the Dear ImGui 1.86 sources (scripts/fetch_web_sources.sh)")
      execute_process(COMMAND "${PROJECT_SOURCE_DIR}/scripts/fetch_web_sources.sh" OUTPUT_QUIET ERROR_VARIABLE _tp_fetch_error)
    endif()
  endif()
  if(EXISTS "${_tp_imgui}/imgui.h")
    add_library(trainplan_imgui_headless STATIC ${_tp_imgui}/imgui.cpp ${_tp_imgui}/imgui_draw.cpp
                                                ${_tp_imgui}/imgui_tables.cpp ${_tp_imgui}/imgui_widgets.cpp)
    target_include_directories(trainplan_imgui_headless SYSTEM PUBLIC ${_tp_imgui})
    target_compile_definitions(trainplan_imgui_headless PUBLIC IMGUI_DISABLE_FILE_FUNCTIONS
                               IMGUI_USER_CONFIG="${PROJECT_SOURCE_DIR}/web/imgui_test_config.h")
    target_compile_options(trainplan_imgui_headless PRIVATE -w)  # third-party
    set(_tp_web ${PROJECT_SOURCE_DIR}/web)
    # heatmap_gl_null.cpp stands in for the page's WebGL heatmap_gl.cpp (heatmap_gl.hpp).
    trainplan_add_test(test_web_panels web ${_tp_web}/test_panels_headless.cpp ${_tp_web}/test_heatmap.cpp ${_tp_web}/app_layout.cpp
                       ${_tp_web}/app_state.cpp ${_tp_web}/heatmap.cpp ${_tp_web}/heatmap_gl_null.cpp ${_tp_web}/panel_cluster.cpp
                       ${_tp_web}/panel_finetune.cpp ${_tp_web}/panel_inference.cpp ${_tp_web}/panel_grid.cpp ${_tp_web}/panel_heatmap.cpp ${_tp_web}/panel_model.cpp ${_tp_web}/panel_recommend.cpp
                       ${_tp_web}/app_files.cpp ${_tp_web}/panel_files.cpp ${_tp_web}/panel_runs.cpp ${_tp_web}/panel_share.cpp)
    target_link_libraries(test_web_panels PRIVATE trainplan_imgui_headless)
  else()
    add_test(NAME test_web_panels COMMAND ${CMAKE_COMMAND} -E echo
             "test_web_panels: no Dear ImGui sources (run scripts/setup.sh or pass -DTRAINPLAN_IMGUI_DIR): ${_tp_fetch_error}")
    set_tests_properties(test_web_panels PROPERTIES LABELS web WILL_FAIL ON)
  endif()
endif()
