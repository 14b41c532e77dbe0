// Credit splits: a deal's credit shared across reps — the owner, an overlay, the manager, a
// partner — in basis points that must add up to 10,000 (../shared/DOMAIN.md §4: "the shares must
// add up to 100%; attainment and commission follow the split"). Without a split the order's
// credited rep gets everything.
//
//   std::vector<v1::SplitShare> split = …;   // zhang.min owner 7,000; wang.hao overlay 3,000
//   RETURN_IF_ERROR(ValidateSplit(split));
//   std::vector<int64_t> parts = SplitAmount(split, /*amount=*/100'001);
//   // {70'001, 30'000}: the remainder of the rounding goes to the first share
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_SPLITS_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_SPLITS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "sales/incentives/v1/model.pb.h"

namespace sales::incentives {

// INVALID_ARGUMENT naming the field: no shares, a share outside 1–10,000 bp
// ("shares[1].share_bp"), no rep or a rep twice ("shares[2].rep_id"), no role, shares not adding
// up to 10,000 bp ("shares: add up to 9000 bp, not 10,000").
absl::Status ValidateSplit(const std::vector<v1::SplitShare>& shares);

// `amount` (any sign: a reversal splits like the credit it reverses) shared by a valid split, in
// the split's order: each share half-even, and what rounding leaves over or short goes to the
// first share, so that the parts always add up to the amount exactly.
std::vector<int64_t> SplitAmount(const std::vector<v1::SplitShare>& shares, int64_t amount);

// A whole credit to one rep, as the owner (no split).
std::vector<v1::SplitShare> SoleShare(const std::string& rep_id);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_SPLITS_H_
