// The contact normalisation rules, case by case (contact_normalization.h).
#include "common/validation/contact_normalization.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::validation {
namespace {

struct Case {
  std::string input;
  std::string expected;  // empty = invalid
};

TEST(NormalizeEmailTest, Table) {
  const Case cases[] = {
      {"li.wei@example.com", "li.wei@example.com"},
      {"  Li.Wei@Example.COM \t", "li.wei@example.com"},
      {"a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"},
      {"o'neil@example.org", "o'neil@example.org"},
      {"", ""},
      {"   ", ""},
      {"no-at-sign.example.com", ""},
      {"two@@example.com", ""},
      {"a@b@example.com", ""},
      {"@example.com", ""},
      {"li@", ""},
      {"li@localhost", ""},
      {"li@example.c", ""},
      {"li@example.123", ""},
      {".li@example.com", ""},
      {"li.@example.com", ""},
      {"li..wei@example.com", ""},
      {"li wei@example.com", ""},
      {"li@-example.com", ""},
      {"li@example-.com", ""},
      {"li@exa_mple.com", ""},
      {"li@example..com", ""},
      {"李@example.com", ""},
      {std::string(65, 'a') + "@example.com", ""},
      {"a@" + std::string(250, 'b') + ".com", ""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = NormalizeEmail(c.input);
    if (c.expected.empty()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.input;
    } else {
      ASSERT_TRUE(got.ok()) << c.input << ": " << got.status();
      EXPECT_EQ(*got, c.expected) << c.input;
    }
  }
}

TEST(NormalizePhoneTest, Table) {
  const Case cases[] = {
      {"+86 138 0013 8000", "8613800138000"},
      {"+86-138-0013-8000", "8613800138000"},
      {"0086 138 0013 8000", "8613800138000"},
      {"138 0013 8000", "8613800138000"},   // national: default country code 86
      {"(010) 6552-9988", "861065529988"},  // trunk 0 dropped
      {"+1 (415) 555-0100", "14155550100"},
      {"+44 20 7946 0958", "442079460958"},
      {" +49.30.1234567 ", "49301234567"},
      {"", ""},
      {"123456", ""},               // fewer than 7 national digits
      {"+86 12345", ""},            // too few digits in all
      {"+1234567890123456", ""},    // more than 15
      {"138-0013-8000 ext 5", ""},  // letters
      {"+86 138#0013", ""},
      {"+0 123 456 789", ""},  // country code starting with 0
      {"+", ""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = NormalizePhone(c.input);
    if (c.expected.empty()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.input;
    } else {
      ASSERT_TRUE(got.ok()) << c.input << ": " << got.status();
      EXPECT_EQ(*got, c.expected) << c.input;
    }
  }
}

TEST(NormalizeCompanyTest, Table) {
  const Case cases[] = {
      {"Acme", "acme"},
      {"  ACME   Widgets  ", "acme widgets"},
      {"Acme Inc.", "acme"},
      {"Acme, Inc", "acme"},
      {"Acme Incorporated", "acme"},
      {"Acme Ltd", "acme"},
      {"Acme Limited", "acme"},
      {"Acme LLC", "acme"},
      {"Acme Co., Ltd.", "acme"},
      {"Acme Corp.", "acme"},
      {"Acme Corporation", "acme"},
      {"Acme Company", "acme"},
      {"Acme PLC", "acme"},
      {"Acme GmbH", "acme"},
      {"Costco", "costco"},  // "co" only as a separate word
      {"Inca Trading", "inca trading"},
      {"华为技术有限公司", "华为技术"},
      {"华为技术 有限公司", "华为技术"},
      {"中国平安保险股份有限公司", "中国平安保险"},
      {"腾讯科技有限责任公司", "腾讯科技"},
      {"小米公司", "小米"},
      {"阿里巴巴（中国）有限公司", "阿里巴巴 中国"},
      {"Acme (Shanghai) Co., Ltd.", "acme shanghai"},
      {"", ""},
      {"   ", ""},
      {"Ltd.", ""},
      {"Inc", ""},
      {"有限公司", ""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = NormalizeCompany(c.input);
    if (c.expected.empty()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.input;
    } else {
      ASSERT_TRUE(got.ok()) << c.input << ": " << got.status();
      EXPECT_EQ(*got, c.expected) << c.input;
    }
  }
}

}  // namespace
}  // namespace sales::validation
