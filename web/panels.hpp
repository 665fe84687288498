// panels.hpp — one function per panel, each in panel_<name>.cpp.
#pragma once

#include "app_state.hpp"

namespace tp::web {

void panel_recommend(AppState& s);

}  // namespace tp::web
