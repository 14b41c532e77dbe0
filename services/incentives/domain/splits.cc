#include "services/incentives/domain/splits.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/money/rounding.h"
#include "common/status/errors.h"

namespace sales::incentives {

absl::Status ValidateSplit(const std::vector<v1::SplitShare>& shares) {
  if (shares.empty()) return InvalidField("shares", "at least one share is required");
  absl::flat_hash_set<std::string> reps;
  int64_t total = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    const v1::SplitShare& share = shares[i];
    const std::string field = absl::StrCat("shares[", i, "]");
    if (share.rep_id().empty()) return InvalidField(field + ".rep_id", "required");
    if (!reps.insert(share.rep_id()).second) {
      return InvalidField(field + ".rep_id", "the rep has an earlier share already");
    }
    if (!v1::SplitRole_IsValid(share.role()) || share.role() == v1::SPLIT_ROLE_UNSPECIFIED) {
      return InvalidField(field + ".role", "owner, overlay, manager or partner");
    }
    if (share.share_bp() < 1 || share.share_bp() > 10'000) {
      return InvalidField(field + ".share_bp", "must be 1–10,000 basis points");
    }
    total += share.share_bp();
  }
  if (total != 10'000) {
    return InvalidField("shares", absl::StrCat("add up to ", total, " bp, not 10,000"));
  }
  return absl::OkStatus();
}

std::vector<int64_t> SplitAmount(const std::vector<v1::SplitShare>& shares, int64_t amount) {
  std::vector<int64_t> parts;
  parts.reserve(shares.size());
  int64_t given = 0;
  for (const v1::SplitShare& share : shares) {
    parts.push_back(money::ApplyBasisPoints(amount, share.share_bp()));
    given += parts.back();
  }
  if (!parts.empty()) parts.front() += amount - given;
  return parts;
}

std::vector<v1::SplitShare> SoleShare(const std::string& rep_id) {
  v1::SplitShare share;
  share.set_rep_id(rep_id);
  share.set_role(v1::SPLIT_ROLE_OWNER);
  share.set_share_bp(10'000);
  return {share};
}

}  // namespace sales::incentives
