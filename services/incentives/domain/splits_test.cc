#include "services/incentives/domain/splits.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::incentives {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::SplitShare Share(const std::string& rep, v1::SplitRole role, int32_t bp) {
  v1::SplitShare share;
  share.set_rep_id(rep);
  share.set_role(role);
  share.set_share_bp(bp);
  return share;
}

TEST(SplitsTest, PartsAddUpToTheAmountExactly) {
  const std::vector<v1::SplitShare> split = {Share("owner", v1::SPLIT_ROLE_OWNER, 3'334),
                                             Share("overlay", v1::SPLIT_ROLE_OVERLAY, 3'333),
                                             Share("manager", v1::SPLIT_ROLE_MANAGER, 3'333)};
  ASSERT_TRUE(ValidateSplit(split).ok());
  for (int64_t amount : {int64_t{100}, int64_t{1}, int64_t{99'999}, int64_t{-100}}) {
    int64_t sum = 0;
    for (int64_t part : SplitAmount(split, amount)) sum += part;
    EXPECT_EQ(sum, amount) << amount;
  }
  EXPECT_THAT(SplitAmount(split, 100), ElementsAre(34, 33, 33));  // 33.34 → 33, plus the 1 left
}

TEST(SplitsTest, AReversalSplitsLikeTheCredit) {
  const std::vector<v1::SplitShare> split = {Share("a", v1::SPLIT_ROLE_OWNER, 7'000),
                                             Share("b", v1::SPLIT_ROLE_PARTNER, 3'000)};
  const std::vector<int64_t> credit = SplitAmount(split, 10'001);
  const std::vector<int64_t> reversal = SplitAmount(split, -10'001);
  for (size_t i = 0; i < credit.size(); ++i) EXPECT_EQ(credit[i], -reversal[i]);
}

TEST(SplitsTest, InvalidSplitsNameTheField) {
  struct Case {
    std::vector<v1::SplitShare> shares;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {{}, "shares"},
      {{Share("a", v1::SPLIT_ROLE_OWNER, 6'000), Share("b", v1::SPLIT_ROLE_OVERLAY, 3'000)},
       "add up to 9000 bp, not 10,000"},
      {{Share("a", v1::SPLIT_ROLE_OWNER, 6'000), Share("a", v1::SPLIT_ROLE_OVERLAY, 4'000)},
       "shares[1].rep_id"},
      {{Share("a", v1::SPLIT_ROLE_OWNER, 0), Share("b", v1::SPLIT_ROLE_OVERLAY, 10'000)},
       "shares[0].share_bp"},
      {{Share("", v1::SPLIT_ROLE_OWNER, 10'000)}, "shares[0].rep_id"},
      {{Share("a", v1::SPLIT_ROLE_UNSPECIFIED, 10'000)}, "shares[0].role"},
  };
  for (const Case& invalid : cases) {
    const absl::Status status = ValidateSplit(invalid.shares);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << invalid.message_part;
    EXPECT_THAT(status.message(), HasSubstr(invalid.message_part));
  }
}

}  // namespace
}  // namespace sales::incentives
