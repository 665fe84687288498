# trainplan_embed_shaders(<target> <shader>...): makes each GLSL file under shaders/ a generated header
# <name>_<stage>.hpp (shaders/heatmap.frag -> heatmap_frag.hpp) holding its text as a C++ raw string, and adds
# the headers' directory to <target>'s include path. The build reads the shader's bytes, so the page needs no
# file or fetch at run time, and an edit of a shader regenerates its header (and recompiles its users) on the
# next build. The generation itself is cmake/embed_shader.cmake, run as a script at build time.
function(trainplan_embed_shaders target)
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/generated_shaders")
  set(headers "")
  foreach(shader ${ARGN})
    get_filename_component(path "${shader}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}/shaders")
    get_filename_component(name "${path}" NAME_WE)
    get_filename_component(stage "${path}" LAST_EXT)
    string(SUBSTRING "${stage}" 1 -1 stage)
    set(header "${out_dir}/${name}_${stage}.hpp")
    add_custom_command(
      OUTPUT "${header}"
      COMMAND ${CMAKE_COMMAND} -DINPUT=${path} -DOUTPUT=${header} -DSYMBOL=k_${name}_${stage}
              -DTEMPLATE=${PROJECT_SOURCE_DIR}/cmake/embedded_shader.hpp.in -P ${PROJECT_SOURCE_DIR}/cmake/embed_shader.cmake
      DEPENDS "${path}" "${PROJECT_SOURCE_DIR}/cmake/embed_shader.cmake" "${PROJECT_SOURCE_DIR}/cmake/embedded_shader.hpp.in"
      COMMENT "Embedding shader ${name}.${stage}"
      VERBATIM)
    list(APPEND headers "${header}")
  endforeach()
  target_sources(${target} PRIVATE ${headers})
  target_include_directories(${target} PRIVATE "${out_dir}")
endfunction()
