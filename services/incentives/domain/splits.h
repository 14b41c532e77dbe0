// Credit splits: a deal's credit shared across reps — the owner, an overlay, the manager, a
// partner — in basis points that must add up to 10,000 (../shared/DOMAIN.md §4: "the shares must
// add up to 100%; attainment and commission follow the split"). Without a split the order's
// credited rep gets everything.
//
//   std::vector<CreditShare> split = {{"zhang.min", SplitRole::kOwner, 7'000},
//                                     {"wang.hao", SplitRole::kOverlay, 3'000}};
//   RETURN_IF_ERROR(ValidateSplit(split));
//   std::vector<CreditedAmount> credited = SplitCredit(split, /*amount=*/100'001);
//   // zhang.min 70'001 (the remainder of the rounding goes to the first share), wang.hao 30'000
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_SPLITS_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_SPLITS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace sales::incentives {

enum class SplitRole { kOwner, kOverlay, kManager, kPartner };

struct CreditShare {
  std::string rep_id;
  SplitRole role = SplitRole::kOwner;
  int32_t share_bp = 0;  // 1–10,000
};

// INVALID_ARGUMENT naming the field: no shares, a share outside 1–10,000 bp
// ("shares[1].share_bp"), a rep twice ("shares[2].rep_id"), shares not adding up to 10,000 bp
// ("shares: add up to 9,000 bp, not 10,000").
absl::Status ValidateSplit(const std::vector<CreditShare>& shares);

struct CreditedAmount {
  std::string rep_id;
  SplitRole role = SplitRole::kOwner;
  int64_t amount = 0;
};

// `amount` (any sign: a reversal splits like the credit it reverses) shared by a valid split:
// each share half-even, and what rounding leaves over or short goes to the first share, so that
// the parts always add up to the amount exactly.
std::vector<CreditedAmount> SplitCredit(const std::vector<CreditShare>& shares, int64_t amount);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_SPLITS_H_
