// Number formatting must match Python's str()/repr() where NeMo's printed lines depend on it.
#include <gtest/gtest.h>

#include "nemo_heuristics.hpp"
#include "text.hpp"

namespace tp {
namespace {

TEST(Text, PythonFloatRepr) {
    EXPECT_EQ(python_float_repr(5.0), "5.0");
    EXPECT_EQ(python_float_repr(0.126), "0.126");
    EXPECT_EQ(python_float_repr(4.03), "4.03");
    EXPECT_EQ(python_float_repr(6e-05), "6e-05");
    EXPECT_EQ(python_float_repr(1.2e-05), "1.2e-05");
    EXPECT_EQ(python_float_repr(0.0001), "0.0001");
    EXPECT_EQ(python_float_repr(1e16), "1e+16");
    EXPECT_EQ(python_float_repr(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(python_float_repr(-2.5), "-2.5");
}

TEST(Text, FormatNumberDropsIntegralPoint) {
    EXPECT_EQ(format_number(160), "160");
    EXPECT_EQ(format_number(6.2), "6.2");
    EXPECT_EQ(format_number(-3), "-3");
}

TEST(Text, PythonRound) {
    EXPECT_DOUBLE_EQ(python_round(4.0299, 2), 4.03);
    EXPECT_DOUBLE_EQ(python_round(2.675, 2), 2.67);  // binary 2.67499999..., as Python rounds it
    EXPECT_DOUBLE_EQ(python_round(0.125, 2), 0.12);  // exact tie: round half to even, as Python
}

}  // namespace
}  // namespace tp
