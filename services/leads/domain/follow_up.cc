#include "services/leads/domain/follow_up.h"

#include "common/time/proto_time.h"
#include "services/leads/domain/lead.h"
#include "services/leads/domain/settings.h"

namespace sales::leads {
namespace {

absl::Time AnchorOf(const v1::Lead& lead) {
  return FromTimestamp(lead.has_follow_up_anchor_at() ? lead.follow_up_anchor_at()
                                                      : lead.captured_at());
}

}  // namespace

std::optional<FollowUpDueBasis> DueBasis(const v1::Lead& lead) {
  if (!IsOpen(lead)) return std::nullopt;
  if (lead.has_next_follow_up_due()) {
    return FollowUpDueBasis{.time = FromTimestamp(lead.next_follow_up_due()), .named = true};
  }
  return FollowUpDueBasis{.time = AnchorOf(lead)};
}

absl::Time DueFromBasis(const FollowUpDueBasis& basis, v1::Grade grade,
                        const v1::PipelineSettings& settings) {
  if (basis.named) return basis.time;
  return basis.time + absl::Hours(24) * OverdueDaysFor(settings, grade);
}

std::optional<absl::Time> FollowUpDue(const v1::Lead& lead, const v1::PipelineSettings& settings) {
  std::optional<FollowUpDueBasis> basis = DueBasis(lead);
  if (!basis.has_value()) return std::nullopt;
  return DueFromBasis(*basis, lead.grade(), settings);
}

bool IsOverdue(const v1::Lead& lead, const v1::PipelineSettings& settings, absl::Time now) {
  std::optional<absl::Time> due = FollowUpDue(lead, settings);
  return due.has_value() && now >= *due;
}

std::optional<v1::LeadEvent> DetectOverdue(const v1::Lead& lead,
                                           const v1::PipelineSettings& settings, absl::Time now) {
  if (lead.overdue_reported() || !IsOverdue(lead, settings, now)) return std::nullopt;
  v1::LeadEvent event;
  v1::FollowUpOverdue* overdue = event.mutable_follow_up_overdue();
  *overdue->mutable_due_at() = ToTimestamp(*FollowUpDue(lead, settings));
  if (lead.has_last_activity_at()) *overdue->mutable_last_activity_at() = lead.last_activity_at();
  overdue->set_rep_id(lead.rep_id());
  overdue->set_grade(lead.grade());
  *overdue->mutable_at() = ToTimestamp(now);
  return event;
}

std::optional<absl::Time> NextPlannedContact(const v1::Lead& lead,
                                             const v1::PipelineSettings& settings) {
  if (!IsOpen(lead)) return std::nullopt;
  return AnchorOf(lead) + absl::Hours(24) * CadenceDaysFor(settings, lead.grade());
}

}  // namespace sales::leads
