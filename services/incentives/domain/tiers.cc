#include "services/incentives/domain/tiers.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/money/rounding.h"
#include "common/status/errors.h"

namespace sales::incentives {
namespace {

constexpr int64_t kBp = 10'000;
constexpr int32_t kMaxAcceleratorBp = 100'000;  // ×10

// The band's lower bound (exclusive) and upper bound (inclusive; INT64_MAX when unbounded).
int64_t LowerBound(const TierSchedule& schedule, size_t band) {
  return band == 0 ? 0 : schedule.bands[band - 1].up_to;
}
int64_t UpperBound(const TierSchedule& schedule, size_t band) {
  const int64_t up_to = schedule.bands[band].up_to;
  return up_to == 0 ? INT64_MAX : up_to;
}

// The band a period's total credit falls in ("to 10k": 10k itself is in the first band).
size_t BandOf(const TierSchedule& schedule, int64_t total) {
  for (size_t band = 0; band < schedule.bands.size(); ++band) {
    if (total <= UpperBound(schedule, band)) return band;
  }
  return schedule.bands.size() - 1;
}

// The overlap of (from, to] with (low, high].
int64_t Overlap(int64_t from, int64_t to, int64_t low, int64_t high) {
  return std::max<int64_t>(0, std::min(to, high) - std::max(from, low));
}

// Σ amount × rate_bp × multiplier_bp over (from, to] at `rate_bp`, the accelerator on the part
// above the target: exact, in minor units × 10^8.
__int128 AtRate(const TierSchedule& schedule, int64_t from, int64_t to, int64_t rate_bp) {
  const bool accelerated = schedule.target > 0 && schedule.accelerator_bp != kBp;
  const int64_t threshold = accelerated ? schedule.target : INT64_MAX;
  const int64_t plain = Overlap(from, to, INT64_MIN, threshold);
  const int64_t above = (to - from) - plain;
  return static_cast<__int128>(plain) * rate_bp * kBp +
         static_cast<__int128>(above) * rate_bp * schedule.accelerator_bp;
}

// Step: each band's part of (from, to] at its own rate.
__int128 StepNumerator(const TierSchedule& schedule, int64_t from, int64_t to) {
  __int128 sum = 0;
  for (size_t band = 0; band < schedule.bands.size(); ++band) {
    const int64_t low = std::max(from, LowerBound(schedule, band));
    const int64_t high = std::min(to, UpperBound(schedule, band));
    if (high > low) sum += AtRate(schedule, low, high, schedule.bands[band].rate_bp);
  }
  return sum;
}

// Retroactive: the whole of (0, total] at the rate of the band `total` reached.
__int128 RetroactiveTotal(const TierSchedule& schedule, int64_t total) {
  if (total <= 0) return 0;
  return AtRate(schedule, 0, total, schedule.bands[BandOf(schedule, total)].rate_bp);
}

constexpr __int128 kScale = static_cast<__int128>(kBp) * kBp;  // bp × multiplier bp

}  // namespace

absl::Status ValidateSchedule(const TierSchedule& schedule, absl::string_view prefix) {
  const std::string at = prefix.empty() ? "" : absl::StrCat(prefix, ".");
  if (schedule.bands.empty()) return InvalidField(at + "bands", "at least one band is required");
  for (size_t i = 0; i < schedule.bands.size(); ++i) {
    const TierBand& band = schedule.bands[i];
    const std::string field = absl::StrCat(at, "bands[", i, "]");
    if (band.rate_bp < 0 || band.rate_bp > kBp) {
      return InvalidField(field + ".rate_bp", "must be 0–10,000 basis points");
    }
    const bool last = i + 1 == schedule.bands.size();
    if (band.up_to == 0 && !last) {
      return InvalidField(field + ".up_to", "only the last band is unbounded (0)");
    }
    if (band.up_to != 0 && last) {
      return InvalidField(field + ".up_to", "the last band must be unbounded (0)");
    }
    if (band.up_to < 0) return InvalidField(field + ".up_to", "must not be negative");
    if (i > 0 && band.up_to != 0 && band.up_to <= schedule.bands[i - 1].up_to) {
      return InvalidField(field + ".up_to",
                          absl::StrCat("overlaps bands[", i - 1, "]: bounds must ascend"));
    }
  }
  if (schedule.accelerator_bp < kBp || schedule.accelerator_bp > kMaxAcceleratorBp) {
    return InvalidField(at + "accelerator_bp", "must be 10,000–100,000 (×1 to ×10)");
  }
  if (schedule.target < 0) return InvalidField(at + "target", "must not be negative");
  return absl::OkStatus();
}

LineCommission CommissionOnCredit(const TierSchedule& schedule, int64_t before, int64_t amount) {
  const int64_t after = before + amount;
  LineCommission line{.tier = static_cast<int32_t>(BandOf(schedule, after))};
  __int128 numerator = 0;
  if (schedule.mode == TierMode::kStep) {
    numerator = StepNumerator(schedule, before, after);
  } else {
    numerator = AtRate(schedule, before, after, schedule.bands[line.tier].rate_bp);
    // What the earlier credit earned at the earlier band's rate, now at the reached one's.
    const __int128 earlier_now =
        before > 0 ? AtRate(schedule, 0, before, schedule.bands[line.tier].rate_bp) : 0;
    line.true_up = money::DivideHalfEven(earlier_now - RetroactiveTotal(schedule, before), kScale);
  }
  line.commission = money::DivideHalfEven(numerator, kScale);
  // Hundredths of a bp: numerator / kScale / amount × 10^6 = numerator / (amount × 10^2).
  if (amount > 0) {
    line.rate_centi_bp = money::DivideHalfEven(numerator, static_cast<__int128>(amount) * 100);
  }
  return line;
}

int64_t Clawback(int64_t original_commission, int64_t original_amount, int64_t reversed) {
  if (original_amount <= 0) return 0;
  return -money::DivideHalfEven(static_cast<__int128>(original_commission) * reversed,
                                original_amount);
}

}  // namespace sales::incentives
