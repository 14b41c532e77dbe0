#include "services/incentives/domain/splits.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/money/rounding.h"
#include "common/status/errors.h"

namespace sales::incentives {

absl::Status ValidateSplit(const std::vector<CreditShare>& shares) {
  if (shares.empty()) return InvalidField("shares", "at least one share is required");
  absl::flat_hash_set<std::string> reps;
  int64_t total = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    const CreditShare& share = shares[i];
    const std::string field = absl::StrCat("shares[", i, "]");
    if (share.rep_id.empty()) return InvalidField(field + ".rep_id", "required");
    if (!reps.insert(share.rep_id).second) {
      return InvalidField(field + ".rep_id", "the rep has an earlier share already");
    }
    if (share.share_bp < 1 || share.share_bp > 10'000) {
      return InvalidField(field + ".share_bp", "must be 1–10,000 basis points");
    }
    total += share.share_bp;
  }
  if (total != 10'000) {
    return InvalidField("shares", absl::StrCat("add up to ", total, " bp, not 10,000"));
  }
  return absl::OkStatus();
}

std::vector<CreditedAmount> SplitCredit(const std::vector<CreditShare>& shares, int64_t amount) {
  std::vector<CreditedAmount> credited;
  credited.reserve(shares.size());
  int64_t given = 0;
  for (const CreditShare& share : shares) {
    const int64_t part = money::ApplyBasisPoints(amount, share.share_bp);
    credited.push_back({.rep_id = share.rep_id, .role = share.role, .amount = part});
    given += part;
  }
  if (!credited.empty()) credited.front().amount += amount - given;
  return credited;
}

}  // namespace sales::incentives
