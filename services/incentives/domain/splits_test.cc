#include "services/incentives/domain/splits.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::incentives {
namespace {

using ::testing::HasSubstr;

TEST(SplitsTest, PartsAddUpToTheAmountExactly) {
  const std::vector<CreditShare> split = {{"owner", SplitRole::kOwner, 3'334},
                                          {"overlay", SplitRole::kOverlay, 3'333},
                                          {"manager", SplitRole::kManager, 3'333}};
  ASSERT_TRUE(ValidateSplit(split).ok());
  for (int64_t amount : {int64_t{100}, int64_t{1}, int64_t{99'999}, int64_t{-100}}) {
    const std::vector<CreditedAmount> parts = SplitCredit(split, amount);
    int64_t sum = 0;
    for (const CreditedAmount& part : parts) sum += part.amount;
    EXPECT_EQ(sum, amount) << amount;
  }
  const std::vector<CreditedAmount> parts = SplitCredit(split, 100);
  EXPECT_EQ(parts[0].amount, 34);  // 33.34 → 33, plus the 1 left over
  EXPECT_EQ(parts[1].amount, 33);
  EXPECT_EQ(parts[2].role, SplitRole::kManager);
}

TEST(SplitsTest, AReversalSplitsLikeTheCredit) {
  const std::vector<CreditShare> split = {{"a", SplitRole::kOwner, 7'000},
                                          {"b", SplitRole::kPartner, 3'000}};
  const std::vector<CreditedAmount> credit = SplitCredit(split, 10'001);
  const std::vector<CreditedAmount> reversal = SplitCredit(split, -10'001);
  for (size_t i = 0; i < credit.size(); ++i) EXPECT_EQ(credit[i].amount, -reversal[i].amount);
}

TEST(SplitsTest, InvalidSplitsNameTheField) {
  struct Case {
    std::vector<CreditShare> shares;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {{}, "shares"},
      {{{"a", SplitRole::kOwner, 6'000}, {"b", SplitRole::kOverlay, 3'000}},
       "add up to 9000 bp, not 10,000"},
      {{{"a", SplitRole::kOwner, 6'000}, {"a", SplitRole::kOverlay, 4'000}}, "shares[1].rep_id"},
      {{{"a", SplitRole::kOwner, 0}, {"b", SplitRole::kOverlay, 10'000}}, "shares[0].share_bp"},
      {{{"", SplitRole::kOwner, 10'000}}, "shares[0].rep_id"},
  };
  for (const Case& invalid : cases) {
    const absl::Status status = ValidateSplit(invalid.shares);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << invalid.message_part;
    EXPECT_THAT(status.message(), HasSubstr(invalid.message_part));
  }
}

}  // namespace
}  // namespace sales::incentives
