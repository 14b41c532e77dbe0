// Follow-up rules (跟进记录, 客户超3天未跟进自动提醒): when a lead's next contact is due and the
// overdue scanner's decision.
//
// Due time of an open lead or open opportunity:
//   1. the next_follow_up_due given by the latest logged activity, if it gave one;
//   2. else the follow-up anchor — the latest of capture, assignment and activity time — plus
//      OverdueDaysFor(settings, grade) days (3 for every grade unless configured).
// A lead is overdue when now ≥ due. An overdue episode is reported once: FollowUpOverdue sets
// the lead's overdue_reported; an ActivityLogged or LeadAssigned ends the episode.
// Closed leads have no due time.
//
//   if (auto event = DetectOverdue(lead, settings, now)) { append(*event); }
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_LEADS_DOMAIN_FOLLOW_UP_H_
#define SALES_SERVICES_LEADS_DOMAIN_FOLLOW_UP_H_

#include <optional>

#include "absl/time/time.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/leads/v1/model.pb.h"

namespace sales::leads {

std::optional<absl::Time> FollowUpDue(const v1::Lead& lead, const v1::PipelineSettings& settings);

// The part of FollowUpDue that no setting changes (read models index it, so that new settings
// rewrite no index): the due time the latest activity named (`named` true), else the follow-up
// anchor, to which OverdueDaysFor(settings, grade) days are added. Unset for closed leads.
struct FollowUpDueBasis {
  absl::Time time;
  bool named = false;
};
std::optional<FollowUpDueBasis> DueBasis(const v1::Lead& lead);
// FollowUpDue from its basis.
absl::Time DueFromBasis(const FollowUpDueBasis& basis, v1::Grade grade,
                        const v1::PipelineSettings& settings);

bool IsOverdue(const v1::Lead& lead, const v1::PipelineSettings& settings, absl::Time now);

// FollowUpOverdue (at = now) when the lead is overdue and the episode was not yet reported.
std::optional<v1::LeadEvent> DetectOverdue(const v1::Lead& lead,
                                           const v1::PipelineSettings& settings, absl::Time now);

// The next planned contact by the grade's cadence (A weekly, B bi-weekly, C monthly): the
// follow-up anchor plus CadenceDaysFor(grade) days. Unset for closed leads.
std::optional<absl::Time> NextPlannedContact(const v1::Lead& lead,
                                             const v1::PipelineSettings& settings);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_FOLLOW_UP_H_
