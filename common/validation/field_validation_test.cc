#include "common/validation/field_validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales {
namespace {

using ::testing::HasSubstr;

TEST(FieldValidationTest, IdsAreRequiredBoundedAndPlain) {
  EXPECT_TRUE(ValidateId("rep_id", "wang.hao:2").ok());
  EXPECT_THAT(ValidateId("rep_id", "").message(), HasSubstr("field rep_id: required"));
  EXPECT_TRUE(ValidateOptionalId("rep_id", "").ok());
  const absl::Status long_id = ValidateId("rep_id", std::string(9000, 'a'));
  EXPECT_EQ(long_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(long_id.message().size(), 100u);  // nothing echoed
  EXPECT_EQ(ValidateId("rep_id", "a b").code(), absl::StatusCode::kInvalidArgument);
}

TEST(FieldValidationTest, IdListsAreBoundedPlainAndWithoutRepeats) {
  google::protobuf::RepeatedPtrField<std::string> ids;
  ids.Add("east");
  ids.Add("west");
  EXPECT_TRUE(ValidateIdList("region_ids", ids, 2).ok());
  EXPECT_THAT(ValidateIdList("region_ids", ids, 1).message(), HasSubstr("at most 1"));
  ids.Add("east");
  EXPECT_THAT(ValidateIdList("region_ids", ids, 10).message(),
              HasSubstr("region_ids[2]: repeats \"east\""));
  ids.Mutable(2)->assign("a/b");
  EXPECT_THAT(ValidateIdList("region_ids", ids, 10).message(), HasSubstr("region_ids[2]"));
}

TEST(FieldValidationTest, MoneyNeedsACurrencyAndABoundedAmount) {
  common::v1::Money money;
  money.set_units(100);
  money.set_currency("CNY");
  EXPECT_TRUE(ValidateMoney("price", money).ok());
  money.set_currency("cny");
  EXPECT_THAT(ValidateMoney("price", money).message(), HasSubstr("price.currency"));
  money.set_currency("CNY");
  money.set_units(-1);
  EXPECT_THAT(ValidateMoney("price", money).message(), HasSubstr("price.units: negative"));
  money.set_units(kMaxMoneyUnits + 1);
  EXPECT_EQ(ValidateMoney("price", money).code(), absl::StatusCode::kInvalidArgument);
}

TEST(FieldValidationTest, PercentagesBasisPointsAndEnums) {
  EXPECT_TRUE(ValidatePercent("p", 100).ok());
  EXPECT_FALSE(ValidatePercent("p", 101).ok());
  EXPECT_TRUE(ValidateBasisPoints("bp", 10'000).ok());
  EXPECT_FALSE(ValidateBasisPoints("bp", -1).ok());
  auto is_valid = [](int v) { return v >= 0 && v <= 3; };
  EXPECT_THAT(ValidateEnum("kind", 0, is_valid).message(), HasSubstr("UNSPECIFIED"));
  EXPECT_THAT(ValidateEnum("kind", 7, is_valid).message(), HasSubstr("unknown value 7"));
  EXPECT_TRUE(ValidateEnum("kind", 2, is_valid).ok());
}

TEST(FieldValidationTest, CommandMetaNeedsAnActor) {
  common::v1::CommandMeta meta;
  EXPECT_THAT(ValidateCommandMeta(meta).message(), HasSubstr("meta.actor"));
  meta.set_actor("user:li");
  EXPECT_TRUE(ValidateCommandMeta(meta).ok());
  meta.set_idempotency_key(std::string(200, 'k'));
  EXPECT_THAT(ValidateCommandMeta(meta).message(), HasSubstr("meta.idempotency_key"));
}

}  // namespace
}  // namespace sales
