#include "text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tp {

namespace {

// Shortest "%.{p}e" digits that round-trip; returns mantissa digits (no dot) and exponent.
void shortest_digits(double v, std::string& digits, int& exponent) {
    char buf[64];
    for (int precision = 0; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*e", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    // buf looks like "-1.2345e+02".
    std::string s(buf);
    const size_t e = s.find('e');
    exponent = std::atoi(s.c_str() + e + 1);
    digits.clear();
    for (size_t i = 0; i < e; ++i)
        if (s[i] >= '0' && s[i] <= '9') digits += s[i];
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

// Python float_repr_style 'short': exponent notation when exp < -4 or exp >= 16.
std::string repr(double v, bool keep_point_zero) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    if (v == 0) return keep_point_zero ? (std::signbit(v) ? "-0.0" : "0.0") : "0";
    std::string digits;
    int exp = 0;
    shortest_digits(v, digits, exp);
    std::string out = v < 0 ? "-" : "";
    const int n = int(digits.size());
    if (exp < -4 || exp >= 16) {
        out += digits[0];
        if (n > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        char e[16];
        std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
        return out + e;
    }
    if (exp < 0) {
        out += "0.";
        out.append(size_t(-exp - 1), '0');
        return out + digits;
    }
    if (n <= exp + 1) {
        out += digits + std::string(size_t(exp + 1 - n), '0');
        return keep_point_zero ? out + ".0" : out;
    }
    out.append(digits, 0, size_t(exp + 1));
    out += '.';
    out.append(digits, size_t(exp + 1), std::string::npos);
    return out;
}

}  // namespace

std::string format_number(double v) { return repr(v, false); }

std::string python_float_repr(double v) { return repr(v, true); }

std::string format_fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace tp
