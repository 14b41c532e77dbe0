#include "tools/salesctl/format.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/leads/v1/model.pb.h"

namespace sales::salesctl {
namespace {

using ::sales::common::v1::Money;
using ::testing::HasSubstr;

Money Of(int64_t units, const char* currency) {
  Money money;
  money.set_units(units);
  money.set_currency(currency);
  return money;
}

TEST(FormatMoneyTest, GroupsThousandsAndUsesTheCurrencysMinorUnit) {
  EXPECT_EQ(FormatMoney(Of(123456, "CNY")), "1,234.56 CNY");
  EXPECT_EQ(FormatMoney(Of(5, "CNY")), "0.05 CNY");
  EXPECT_EQ(FormatMoney(Of(0, "USD")), "0.00 USD");
  EXPECT_EQ(FormatMoney(Of(-150000, "CNY")), "-1,500.00 CNY");
  EXPECT_EQ(FormatMoney(Of(1000000, "JPY")), "1,000,000 JPY");
  EXPECT_EQ(FormatMoney(Of(1234, "KWD")), "1.234 KWD");
  EXPECT_EQ(FormatMoney(Of(std::numeric_limits<int64_t>::min(), "CNY")),
            "-92,233,720,368,547,758.08 CNY");
  EXPECT_EQ(FormatMoney(Money()), "-");
}

TEST(ParseMoneyTest, AcceptsPlainAndGroupedAmounts) {
  auto money = ParseMoney("1,234.5", "CNY", "--amount");
  ASSERT_TRUE(money.ok()) << money.status();
  EXPECT_EQ(money->units(), 123450);
  EXPECT_EQ(money->currency(), "CNY");
  EXPECT_EQ(ParseMoney("120000", "CNY", "--amount")->units(), 12000000);
  EXPECT_EQ(ParseMoney("500", "JPY", "--amount")->units(), 500);
}

TEST(ParseMoneyTest, RefusesWhatIsNotAnAmountNamingTheFlag) {
  for (const char* text : {"", "abc", "1.234", "-5", "1.", ".5", "1.2.3", "99999999999999999999"}) {
    auto money = ParseMoney(text, "CNY", "--amount");
    EXPECT_EQ(money.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(money.status().message(), HasSubstr("--amount")) << text;
  }
  EXPECT_FALSE(ParseMoney("1.5", "JPY", "--amount").ok());
}

TEST(FormatTimeTest, UsesTheBusinessZone) {
  BusinessZone zone = LoadBusinessZone();
  google::protobuf::Timestamp time;
  time.set_seconds(1795400000);  // 2026-11-23 02:13:20 UTC
  if (zone.fell_back) {
    EXPECT_EQ(zone.name, "UTC");
    EXPECT_EQ(FormatTime(time, zone.zone), "2026-11-23 02:13");
  } else {
    EXPECT_EQ(zone.name, "Asia/Shanghai");
    EXPECT_EQ(FormatTime(time, zone.zone), "2026-11-23 10:13");
  }
  EXPECT_EQ(FormatTime(google::protobuf::Timestamp(), zone.zone), "-");
}

TEST(ParseTimeTest, RoundTripsWithFormatTime) {
  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  auto time = ParseTime("2026-11-23 10:13", zone, "--at");
  ASSERT_TRUE(time.ok()) << time.status();
  EXPECT_EQ(time->seconds(), 1795400000 - 20);
  EXPECT_EQ(FormatTime(*time, zone), "2026-11-23 10:13");
  auto day = ParseTime("2026-11-23", zone, "--next-due");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(FormatTime(*day, zone), "2026-11-23 00:00");
  auto bad = ParseTime("tomorrow", zone, "--next-due");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("--next-due"));
}

TEST(EnumNamesTest, ShortNamesRoundTrip) {
  const auto& stages = *sales::leads::v1::LeadStage_descriptor();
  EXPECT_EQ(EnumShortName(stages, sales::leads::v1::LEAD_STAGE_OPPORTUNITY), "opportunity");
  EXPECT_EQ(EnumShortName(stages, 0), "-");
  EXPECT_EQ(EnumShortName(stages, 99), "unknown(99)");
  const auto& sources = *sales::leads::v1::LeadSource_descriptor();
  EXPECT_EQ(EnumShortName(sources, sales::leads::v1::LEAD_SOURCE_TRADE_SHOW), "trade-show");
  for (const char* text : {"trade-show", "TRADE_SHOW", "Trade_Show", "LEAD_SOURCE_TRADE_SHOW"}) {
    auto parsed = ParseEnum(sources, text, "--source");
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(*parsed, sales::leads::v1::LEAD_SOURCE_TRADE_SHOW);
  }
}

TEST(EnumNamesTest, RefusesUnspecifiedAndUnknownListingTheAcceptedNames) {
  const auto& grades = *sales::leads::v1::Grade_descriptor();
  for (const char* text : {"unspecified", "d", ""}) {
    auto parsed = ParseEnum(grades, text, "--grade");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(parsed.status().message(), HasSubstr("--grade"));
    EXPECT_THAT(parsed.status().message(), HasSubstr("one of a, b, c"));
  }
}

}  // namespace
}  // namespace sales::salesctl
