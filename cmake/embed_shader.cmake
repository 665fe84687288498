# Build-time script of trainplan_embed_shaders (cmake/trainplan_embed_shaders.cmake):
#   cmake -DINPUT=<shader> -DOUTPUT=<header> -DSYMBOL=<name> -DTEMPLATE=<embedded_shader.hpp.in> -P embed_shader.cmake
# Writes the shader's text into the template as a raw string literal. Checks what GLSL ES 3.00 and WebGL2 ask
# of the first line, so a shader that the browser would refuse fails the build instead of a page.
foreach(var INPUT OUTPUT SYMBOL TEMPLATE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_shader.cmake: -D${var}=... is required")
  endif()
endforeach()
file(READ "${INPUT}" SHADER_SOURCE)
# "#version 300 es" must be the very first line (GLSL ES 3.00 spec, section 3.4): nothing, not even a comment, before it.
string(FIND "${SHADER_SOURCE}" "#version 300 es\n" version_at)
if(NOT version_at EQUAL 0)
  message(FATAL_ERROR "${INPUT}: the first line must be '#version 300 es' (WebGL2 shaders are GLSL ES 3.00)")
endif()
# A fragment shader has no default float precision in GLSL ES (section 4.5.3): it must declare one.
if(INPUT MATCHES "\\.frag$" AND NOT SHADER_SOURCE MATCHES "precision (highp|mediump|lowp) float;")
  message(FATAL_ERROR "${INPUT}: a fragment shader must declare a default float precision, e.g. 'precision highp float;'")
endif()
set(DELIMITER "tp_glsl")
string(FIND "${SHADER_SOURCE}" ")${DELIMITER}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT}: contains ')${DELIMITER}\"', which would end the raw string early")
endif()
get_filename_component(SHADER_FILE "${INPUT}" NAME)
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
