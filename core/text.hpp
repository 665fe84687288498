// text.hpp — number formatting shared by every printer (no <format>/to_chars for doubles in
// Emscripten 3.1.6's libc++, see ../shared/docs/toolchain.md, so this uses snprintf/strtod).
#pragma once

#include <string>

namespace tp {

// Shortest decimal text that reads back as the same double; integers print without a point
// ("4", "0.126", "1e-05" style exponents only below 1e-4 or from 1e16, as Python does).
std::string format_number(double v);

// Python's repr() of a float: like format_number, but an integral value keeps ".0" ("5.0").
std::string python_float_repr(double v);

// Fixed decimals, e.g. format_fixed(4.0299, 2) == "4.03".
std::string format_fixed(double v, int decimals);

}  // namespace tp
