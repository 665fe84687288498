// imgui_test_config.h — ImGui user config of the native headless smoke test (web/panels_test.cmake):
// ImGui's own checks (Begin/End pairing, ID stack, table and clipper misuse) stay on in Release and
// sanitizer builds, and a failed one fails the test with its expression instead of being compiled out.
#pragma once

namespace tp::web {
[[noreturn]] void imgui_assert_failed(const char* expr, const char* file, int line);
}

#define IM_ASSERT(_EXPR) ((_EXPR) ? (void)0 : ::tp::web::imgui_assert_failed(#_EXPR, __FILE__, __LINE__))
