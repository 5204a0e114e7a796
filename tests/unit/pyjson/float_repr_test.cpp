#include <catch2/catch.hpp>

#include <limits>

#include "toolkit/pyjson/python_text.hpp"

using optml::pyjson::float_repr;

// Expected text from CPython 3.11.2's repr(float).

TEST_CASE("float_repr switches to exponent form outside 1e-4 <= |x| < 1e16", "[pyjson][float]") {
    CHECK(float_repr(1e-05) == "1e-05");
    CHECK(float_repr(0.0001) == "0.0001");
    CHECK(float_repr(0.00012) == "0.00012");
    CHECK(float_repr(-1.5e-07) == "-1.5e-07");
    CHECK(float_repr(1e16) == "1e+16");
    CHECK(float_repr(1e15) == "1000000000000000.0");
    CHECK(float_repr(9999999999999998.0) == "9999999999999998.0");
    CHECK(float_repr(9007199254740992.0) == "9007199254740992.0");
    CHECK(float_repr(12345678901234567.0) == "1.2345678901234568e+16");
    CHECK(float_repr(1.2345678901234568e+17) == "1.2345678901234568e+17");
    CHECK(float_repr(1.5e300) == "1.5e+300");
    CHECK(float_repr(1e22) == "1e+22");
    CHECK(float_repr(1e100) == "1e+100");
}

TEST_CASE("float_repr keeps one fractional digit for integral values", "[pyjson][float]") {
    CHECK(float_repr(3.0) == "3.0");
    CHECK(float_repr(100.0) == "100.0");
    CHECK(float_repr(2500.0) == "2500.0");
    CHECK(float_repr(123456789.0) == "123456789.0");
    CHECK(float_repr(0.0) == "0.0");
    CHECK(float_repr(-0.0) == "-0.0");
}

TEST_CASE("float_repr uses the shortest round-tripping digits", "[pyjson][float]") {
    CHECK(float_repr(0.1 + 0.2) == "0.30000000000000004");
    CHECK(float_repr(0.1) == "0.1");
    CHECK(float_repr(0.5) == "0.5");
    CHECK(float_repr(1.0 / 3.0) == "0.3333333333333333");
    CHECK(float_repr(0.0001 * 3) == "0.00030000000000000003");
    CHECK(float_repr(std::numeric_limits<double>::denorm_min()) == "5e-324");
    CHECK(float_repr(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
    CHECK(float_repr(std::numeric_limits<double>::lowest()) == "-1.7976931348623157e+308");
}

TEST_CASE("float_repr of non-finite values", "[pyjson][float]") {
    CHECK(float_repr(std::numeric_limits<double>::infinity()) == "inf");
    CHECK(float_repr(-std::numeric_limits<double>::infinity()) == "-inf");
    CHECK(float_repr(std::numeric_limits<double>::quiet_NaN()) == "nan");
    // Python prints every NaN as 'nan', whatever its sign bit.
    CHECK(float_repr(-std::numeric_limits<double>::quiet_NaN()) == "nan");
}
