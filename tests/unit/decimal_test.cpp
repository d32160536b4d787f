#define CAF_SUITE decimal
#include <caf/test/unit_test.hpp>

#include <string>

#include "actors/money/decimal.hpp"

using ex::Decimal;

namespace {

int64_t units(const char* text) {
  auto d = Decimal::parse(text);
  CAF_REQUIRE(d.has_value());
  return d->units();
}

bool refused(const char* text) {
  return !Decimal::parse(text).has_value();
}

}  // namespace

CAF_TEST(parses plain decimals exactly) {
  CAF_CHECK_EQUAL(units("1000.97"), 100097000000);
  CAF_CHECK_EQUAL(units("2.5"), 250000000);
  CAF_CHECK_EQUAL(units("0"), 0);
  CAF_CHECK_EQUAL(units("-0.5"), -50000000);
  CAF_CHECK_EQUAL(units("0.00000001"), 1);
  CAF_CHECK_EQUAL(units("007.10"), 710000000);
  CAF_CHECK_EQUAL(units("92233720368.54775807"), INT64_MAX);
}

CAF_TEST(applies exponents by moving the point) {
  CAF_CHECK_EQUAL(units("1e3"), 100000000000);
  CAF_CHECK_EQUAL(units("2.5E-2"), 2500000);
  CAF_CHECK_EQUAL(units("1.5e+1"), 1500000000);
  CAF_CHECK_EQUAL(units("1e-8"), 1);
  CAF_CHECK_EQUAL(units("0e50"), 0);
  CAF_CHECK_EQUAL(units("123000e-11"), 123);
}

CAF_TEST(zeros around the significant digits only move the point) {
  // 42 digits, but one significant: exactly 10.
  CAF_CHECK_EQUAL(units("100000000000000000000000000000000000000000e-40"), 1000000000);
  CAF_CHECK_EQUAL(units("0.0000000000000000000000000000001e31"), 100000000);
  CAF_CHECK_EQUAL(units(("1" + std::string(60, '0') + "e-55").c_str()), 10000000000000);
  CAF_CHECK_EQUAL(units(("0." + std::string(300, '0')).c_str()), 0);
  CAF_CHECK_EQUAL(units(("-000" + std::string(100, '0') + "2.50").c_str()), -250000000);
  // Zeros inside the significant digits count: 41 of them are too many.
  CAF_CHECK(refused(("1" + std::string(39, '0') + "1e-40").c_str()));
  CAF_CHECK_EQUAL(units("000010000000001000e-5"), 10000000001000000);  // 100,000,000.01
  // A literal of more than 400 digits is refused whatever they are.
  CAF_CHECK(refused(("0." + std::string(400, '0')).c_str()));
  CAF_CHECK(refused(("1" + std::string(60, '0') + "e-69").c_str()));  // 0.1 of a unit
}

CAF_TEST(refuses what is not exact or not a number) {
  CAF_CHECK(refused(""));
  CAF_CHECK(refused("-"));
  CAF_CHECK(refused(".5"));
  CAF_CHECK(refused("5."));
  CAF_CHECK(refused("+5"));
  CAF_CHECK(refused(" 5"));
  CAF_CHECK(refused("5 "));
  CAF_CHECK(refused("1,5"));
  CAF_CHECK(refused("0x10"));
  CAF_CHECK(refused("nan"));
  CAF_CHECK(refused("inf"));
  CAF_CHECK(refused("1e"));
  CAF_CHECK(refused("1e+"));
  CAF_CHECK(refused("0.000000001"));  // 9 decimals
  CAF_CHECK(refused("1e-9"));
  CAF_CHECK(refused("92233720368.54775808"));  // one unit past the range
  CAF_CHECK(refused("1e11"));
  CAF_CHECK(refused("1e999"));
  CAF_CHECK(refused("1111111111111111111111111111111111111111111"));
  CAF_CHECK(refused("--1"));
}

CAF_TEST(formats the shortest exact text) {
  CAF_CHECK_EQUAL(Decimal::from_units(100097000000).to_string(), "1000.97");
  CAF_CHECK_EQUAL(Decimal::from_units(700000000).to_string(), "7");
  CAF_CHECK_EQUAL(Decimal::from_units(-50000000).to_string(), "-0.5");
  CAF_CHECK_EQUAL(Decimal::from_units(0).to_string(), "0");
  CAF_CHECK_EQUAL(Decimal::from_units(1).to_string(), "0.00000001");
  CAF_CHECK_EQUAL(Decimal::from_units(INT64_MIN).to_string(), "-92233720368.54775808");
  CAF_CHECK_EQUAL(Decimal::from_units(123).decimals(), 8);
  CAF_CHECK_EQUAL(Decimal::from_units(100097000000).decimals(), 2);
  CAF_CHECK_EQUAL(Decimal::from_units(700000000).decimals(), 0);
}

CAF_TEST(round trips every formatted value) {
  for (int64_t u : {int64_t{1}, int64_t{10}, int64_t{123456789}, int64_t{-987654321012}, INT64_MAX,
                    INT64_MIN + 1}) {
    auto back = Decimal::parse(Decimal::from_units(u).to_string());
    CAF_REQUIRE(back.has_value());
    CAF_CHECK_EQUAL(back->units(), u);
  }
}

CAF_TEST(checks arithmetic overflow and inexact products) {
  auto max = Decimal::from_units(INT64_MAX);
  CAF_CHECK(!Decimal::add(max, Decimal::from_units(1)));
  CAF_CHECK(!Decimal::sub(Decimal::from_units(INT64_MIN), Decimal::from_units(1)));
  CAF_CHECK_EQUAL(Decimal::add(Decimal::from_int(2), Decimal::from_int(3))->units(), 500000000);
  // 1000.97 x 2.5 = 2502.425 exactly
  auto p = Decimal::mul(*Decimal::parse("1000.97"), *Decimal::parse("2.5"));
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(p->to_string(), "2502.425");
  // 0.00001 x 0.00001 = 1e-10: not representable, refused rather than rounded
  CAF_CHECK(!Decimal::mul(*Decimal::parse("0.00001"), *Decimal::parse("0.00001")));
  CAF_CHECK(!Decimal::mul(Decimal::from_int(10000000), Decimal::from_int(10000000)));
  CAF_CHECK(Decimal::from_int(5).is_multiple_of(*Decimal::parse("0.01")));
  CAF_CHECK(!Decimal::parse("1.005")->is_multiple_of(*Decimal::parse("0.01")));
}

CAF_TEST(products are exact on both the 64 bit and the 128 bit path) {
  auto mul = [](const char* a, const char* b) {
    auto p = Decimal::mul(*Decimal::parse(a), *Decimal::parse(b));
    return p ? p->to_string() : std::string("refused");
  };
  CAF_CHECK_EQUAL(mul("2", "3"), "6");                 // fits 64 bits
  CAF_CHECK_EQUAL(mul("1000.97", "2.5"), "2502.425");  // needs 128 bits
  CAF_CHECK_EQUAL(mul("-1000.97", "2.5"), "-2502.425");
  CAF_CHECK_EQUAL(mul("-1000.97", "-2.5"), "2502.425");
  CAF_CHECK_EQUAL(mul("92233720368.54775807", "1"), "92233720368.54775807");
  CAF_CHECK_EQUAL(mul("-92233720368.54775807", "1"), "-92233720368.54775807");
  CAF_CHECK_EQUAL(mul("46116860184.27387903", "2"), "92233720368.54775806");
  CAF_CHECK_EQUAL(mul("46116860184.27387904", "2"), "refused");         // one unit past the range
  CAF_CHECK_EQUAL(mul("99999.99999999", "99999.99999999"), "refused");  // not exact
  CAF_CHECK_EQUAL(mul("123456.78", "0.01"), "1234.5678");
  CAF_CHECK_EQUAL(mul("0", "92233720368"), "0");
}
