// Commission tiers (阶梯式提成), exactly as ../shared/DOMAIN.md "Definitions" states them: a plan
// says whether its tiers are
//   step / marginal  each band of the period's credited amount at its own rate: bands 1 % to
//                    10k, 2 % to 50k, 3 % above, on 60k → 100 + 800 + 300 = 1,200;
//   retroactive      the reached band's rate on everything: 3 % × 60k = 1,800;
// and an accelerator multiplies the rate on what is credited beyond 100 % attainment (beyond the
// period's target). Rounding: half-even to the minor unit, once per ledger line.
//
// The ledger credits a period line by line, so the functions take what the period had before a
// line (`before`) and the line's amount, and say what that line earns — and, for a retroactive
// plan whose line crosses into a higher band, the true-up owed on the period's earlier credit.
//
//   TierSchedule plan{.mode = TierMode::kStep,
//                     .bands = {{.up_to = 10'000'00, .rate_bp = 100},
//                               {.up_to = 50'000'00, .rate_bp = 200}, {.rate_bp = 300}}};
//   LineCommission line = CommissionOnCredit(plan, /*before=*/0, /*amount=*/60'000'00);
//   // line.commission == 1'200'00
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_TIERS_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_TIERS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sales::incentives {

enum class TierMode { kStep, kRetroactive };

struct TierBand {
  int64_t up_to = 0;    // the band's upper bound in minor units (inclusive); 0: unbounded (last)
  int32_t rate_bp = 0;  // 0–10,000 basis points of the credited amount
};

struct TierSchedule {
  TierMode mode = TierMode::kStep;
  std::vector<TierBand> bands;  // ascending, contiguous from 0; the last one unbounded
  // Above 100 % attainment the rate is multiplied by accelerator_bp / 10,000 (10,000: none).
  // Applies only when target > 0 (attainment is undefined for a target of 0).
  int32_t accelerator_bp = 10'000;
  int64_t target = 0;  // the period's target in minor units
};

// INVALID_ARGUMENT naming the field: no bands, a band bound not above the previous one
// ("bands[1].up_to: overlaps bands[0]"), an unbounded band that is not the last, a bounded last
// band, a rate outside 0–10,000 bp, an accelerator below 10,000 bp or above 100,000, a negative
// target. `prefix` ("plan") is put before every field name ("plan.bands[1].up_to").
absl::Status ValidateSchedule(const TierSchedule& schedule, absl::string_view prefix = "");

// What one credited line earns.
struct LineCommission {
  int64_t commission = 0;  // on the line's amount, half-even once
  // Retroactive plans: what the period's earlier credit (`before`) is owed because this line
  // moved the period into a higher band (0 otherwise), half-even once.
  int64_t true_up = 0;
  int32_t tier = 0;  // the band index the period reached with this line (0-based)
  // The rate applied to the line, in hundredths of a basis point (1 % = 10,000), half-even: a
  // step line spanning bands or an accelerated part has a blended rate. For statements; a
  // clawback applies the line's exact commission ÷ amount (Clawback).
  int64_t rate_centi_bp = 0;
};

// The commission of a credit of `amount` (> 0) on top of the period's `before` (≥ 0) under a
// valid schedule.
LineCommission CommissionOnCredit(const TierSchedule& schedule, int64_t before, int64_t amount);

// The clawback of a reversal (cancel, return) of `reversed` out of a line that credited
// `original_amount` and earned `original_commission`: −(the rate originally applied × the
// reversed amount) = −original_commission × reversed / original_amount, half-even once.
int64_t Clawback(int64_t original_commission, int64_t original_amount, int64_t reversed);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_TIERS_H_
