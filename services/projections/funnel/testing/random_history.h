// RandomLead: a random but valid history of one lead (captures, scoring, (re)assignments, forward
// skips and backward moves, activities and overdue episodes, duplicates, conversion, steps,
// overrides, amount changes, and a close or not), for determinism tests and benchmarks. The
// same generator state gives the same history.
//
//   std::mt19937_64 rng(42);
//   LeadScript lead = RandomLead(rng, "L7", start, /*reps=*/20);
//
// Thread-compatible (the caller owns `rng`).
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_TESTING_RANDOM_HISTORY_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_TESTING_RANDOM_HISTORY_H_

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/projections/funnel/testing/lead_script.h"

namespace sales::funnel::testing {

inline LeadScript RandomLead(std::mt19937_64& rng, absl::string_view lead_id, absl::Time start,
                             int reps) {
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  absl::Time t = start;
  auto advance = [&] { t += absl::Minutes(1 + pick(3 * 24 * 60)); };
  auto assign = [&](LeadScript& lead) {
    const int rep = pick(reps);
    lead.Assign(t, absl::StrCat("R-", rep), absl::StrCat("T-", rep % 5));
  };

  LeadScript lead(lead_id);
  lead.Capture(t, {.region = absl::StrCat("region-", pick(8)),
                   .product_line = absl::StrCat("pl-", pick(4)),
                   .source = static_cast<leads_v1::LeadSource>(1 + pick(7)),
                   .channel = absl::StrCat("ch-", pick(5))});
  if (pick(4) != 0) lead.Score(t, static_cast<leads_v1::Grade>(1 + pick(3)));
  if (pick(5) != 0) assign(lead);
  leads_v1::LeadStage stage = leads_v1::LEAD_STAGE_CAPTURED;
  for (int moves = pick(5); moves > 0; --moves) {
    advance();
    switch (pick(6)) {
      case 0:
        lead.Activity(t);
        break;
      case 1:
        lead.Overdue(t);
        break;
      case 2:
        assign(lead);
        break;
      case 3:
        lead.MergeDuplicate(t);
        break;
      default: {
        const auto to = static_cast<leads_v1::LeadStage>(1 + pick(3));
        if (to == stage) break;
        lead.Move(t, to, /*backward=*/to < stage);
        stage = to;
      }
    }
  }
  advance();
  if (pick(5) == 0) return lead.Disqualify(t), lead;
  if (pick(4) == 0) return lead;  // stays open before conversion
  lead.Convert(t, int64_t{1000} * (1 + pick(1000)), pick(6) == 0 ? "USD" : "CNY");
  leads_v1::SalesStep step = leads_v1::SALES_STEP_VISIT;
  for (int moves = pick(6); moves > 0; --moves) {
    advance();
    switch (pick(7)) {
      case 0:
        lead.Override(t, pick(101));
        break;
      case 1:
        lead.Amount(t, int64_t{1000} * (1 + pick(1000)), "CNY");
        break;
      case 2:
        lead.Overdue(t);
        break;
      case 3:
        lead.Activity(t);
        break;
      default: {
        const auto to = static_cast<leads_v1::SalesStep>(1 + pick(6));
        if (to == step) break;
        lead.Step(t, to);
        step = to;
      }
    }
  }
  advance();
  switch (pick(3)) {
    case 0:
      return lead.Win(t), lead;
    case 1:
      return lead.Lose(t), lead;
    default:
      return lead;
  }
}

}  // namespace sales::funnel::testing

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_TESTING_RANDOM_HISTORY_H_
