#include "services/leads/app/read_model.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/eventsourcing/event_codec.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "services/leads/domain/follow_up.h"
#include "services/leads/domain/lead.h"
#include "services/leads/domain/settings.h"

namespace sales::leads {
namespace {

constexpr absl::string_view kLeadStreamPrefix = "lead-";
constexpr absl::string_view kOverdueCursor = "o/";
constexpr int kNanosWidth = 20;
constexpr v1::LeadStage kOpenStages[] = {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_NURTURING,
                                         v1::LEAD_STAGE_QUALIFIED, v1::LEAD_STAGE_OPPORTUNITY};

std::string Num(int64_t n, int width) { return absl::StrFormat("%0*d", width, n); }

int64_t Nanos(absl::Time time) { return std::max<int64_t>(0, absl::ToUnixNanos(time)); }

// The due index keys of an open lead in family "d" (every open lead) or "u" (unreported).
std::string DueKey(absl::string_view family, const FollowUpDueBasis& basis, const v1::Lead& lead) {
  if (basis.named) {
    return absl::StrCat(family, "n/", Num(Nanos(basis.time), kNanosWidth), "/", lead.lead_id());
  }
  return absl::StrCat(family, "a/", Num(lead.grade(), 2), "/", Num(Nanos(basis.time), kNanosWidth),
                      "/", lead.lead_id());
}

// Index rows of a lead in its current state (see the layout in read_model.h).
std::vector<std::string> IndexKeys(const v1::Lead& lead) {
  const std::string& id = lead.lead_id();
  std::vector<std::string> keys = {
      absl::StrCat("xs/", Num(lead.stage(), 2), "/", id),
      absl::StrCat("xg/", Num(lead.grade(), 2), "/", id),
      absl::StrCat("xq/", Num(lead.source(), 2), "/", id),
  };
  if (!lead.rep_id().empty()) keys.push_back(absl::StrCat("xr/", lead.rep_id(), "/", id));
  if (!lead.team_id().empty()) {
    keys.push_back(absl::StrCat("xt/", lead.team_id(), "/", Num(lead.stage(), 2), "/", id));
  }
  if (const std::string& owner = OpenOwner(lead); !owner.empty()) {
    keys.push_back(absl::StrCat("xo/", owner, "/", id));
  }
  if (IsOpen(lead)) {
    if (std::optional<FollowUpDueBasis> basis = DueBasis(lead)) {
      keys.push_back(DueKey("d", *basis, lead));
      if (!lead.overdue_reported()) keys.push_back(DueKey("u", *basis, lead));
    }
  }
  return keys;
}

// A row: the length of the serialized GetLeadResponse (decimal) and '\n', its bytes, then the
// index keys, each followed by '\n' (keys never contain '\n').
struct Row {
  v1::GetLeadResponse summary;
  std::vector<std::string> index_keys;
};

std::string EncodeRow(const Row& row) {
  std::string out = absl::StrCat(row.summary.ByteSizeLong(), "\n");
  row.summary.AppendToString(&out);
  for (const std::string& key : row.index_keys) absl::StrAppend(&out, key, "\n");
  return out;
}

absl::StatusOr<Row> DecodeRow(absl::string_view value) {
  const size_t newline = value.find('\n');
  size_t length = 0;
  if (newline == absl::string_view::npos || !absl::SimpleAtoi(value.substr(0, newline), &length) ||
      value.size() < newline + 1 + length) {
    return absl::DataLossError("leads read model: corrupt lead row");
  }
  Row row;
  absl::string_view bytes = value.substr(newline + 1, length);
  if (!row.summary.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("leads read model: corrupt lead row");
  }
  for (absl::string_view key :
       absl::StrSplit(value.substr(newline + 1 + length), '\n', absl::SkipEmpty())) {
    row.index_keys.emplace_back(key);
  }
  return row;
}

// A lead's row held decoded by the runner for a whole batch (ProjectionTxn::Mutable).
class HeldRow final : public projection::AccumulatedRow {
 public:
  Row row;
  // A lead that folded into nothing (no capture first) leaves no row.
  std::string Encode() const override {
    return row.summary.lead().lead_id().empty() ? std::string() : EncodeRow(row);
  }
};

absl::StatusOr<std::unique_ptr<projection::AccumulatedRow>> LoadHeldRow(
    std::optional<absl::string_view> stored) {
  auto held = std::make_unique<HeldRow>();
  if (stored.has_value()) {
    ASSIGN_OR_RETURN(held->row, DecodeRow(*stored));
  }
  return held;
}

std::string LeadKey(absl::string_view lead_id) { return absl::StrCat("l/", lead_id); }

std::string OpenLoadKey(absl::string_view rep_id) { return absl::StrCat("co/", rep_id); }

absl::StatusOr<int64_t> ParseCounter(const std::optional<std::string>& value) {
  int64_t count = 0;
  if (value.has_value() && !absl::SimpleAtoi(*value, &count)) {
    return absl::DataLossError("leads read model: corrupt counter");
  }
  return count;
}

absl::string_view LeadIdOfIndexKey(absl::string_view key) { return key.substr(key.rfind('/') + 1); }

// Rewrites only the index keys that changed between `row.index_keys` (as stored) and the lead's
// current state (an unchanged key is neither deleted nor re-put, so scans do not wade through
// tombstones), keeping the open-lead counters of the reps whose "xo/" keys came or went.
absl::Status Reindex(Row& row, projection::ProjectionTxn& txn) {
  std::vector<std::string> index_keys = IndexKeys(row.summary.lead());
  const absl::flat_hash_set<absl::string_view> old_keys(row.index_keys.begin(),
                                                        row.index_keys.end());
  const absl::flat_hash_set<absl::string_view> new_keys(index_keys.begin(), index_keys.end());
  auto add_to_open_load = [&txn](absl::string_view index_key, int64_t delta) -> absl::Status {
    const absl::string_view rest = index_key.substr(3);  // "xo/<rep>/<lead>"
    const std::string counter_key = OpenLoadKey(rest.substr(0, rest.find('/')));
    ASSIGN_OR_RETURN(std::optional<std::string> stored, txn.Get(counter_key));
    ASSIGN_OR_RETURN(int64_t count, ParseCounter(stored));
    txn.Put(counter_key, absl::StrCat(count + delta));
    return absl::OkStatus();
  };
  for (const std::string& key : row.index_keys) {
    if (new_keys.contains(key)) continue;
    txn.Delete(key);
    if (absl::StartsWith(key, "xo/")) RETURN_IF_ERROR(add_to_open_load(key, -1));
  }
  for (const std::string& key : index_keys) {
    if (old_keys.contains(key)) continue;
    txn.Put(key, "");
    if (absl::StartsWith(key, "xo/")) RETURN_IF_ERROR(add_to_open_load(key, +1));
  }
  row.index_keys = std::move(index_keys);
  return absl::OkStatus();
}

}  // namespace

absl::Status LeadsReadModelProjection::Apply(const projection::EventEnvelope& envelope,
                                             projection::ProjectionTxn& txn) {
  const std::string& stream = envelope.stream_id();
  if (!absl::StartsWith(stream, kLeadStreamPrefix)) return absl::OkStatus();
  v1::LeadEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(kName, envelope.payload(), event));
  // Poison is decided above: from here on the row is held through Mutable.
  const absl::string_view lead_id = absl::string_view(stream).substr(kLeadStreamPrefix.size());
  ASSIGN_OR_RETURN(projection::AccumulatedRow * held, txn.Mutable(LeadKey(lead_id), &LoadHeldRow));
  Row& row = static_cast<HeldRow*>(held)->row;
  *row.summary.mutable_lead() = Evolve(std::move(*row.summary.mutable_lead()), event);
  row.summary.set_stream_version(envelope.stream_version());
  if (row.summary.lead().lead_id().empty()) {
    // An event that folds into nothing (not a capture first) leaves no row behind. Only a lead
    // without a row folds into one without an id: it has no index keys either.
    row = Row{};
    return absl::OkStatus();
  }
  return Reindex(row, txn);
}

LeadsReadModel::LeadsReadModel(projection::ProjectionStore* store, size_t max_scanned_per_page)
    : store_(store), max_scanned_per_page_(std::max<size_t>(1, max_scanned_per_page)) {}

namespace {

// The row of a lead, or nullopt when it has none (any more).
absl::StatusOr<std::optional<Row>> ReadRow(projection::ProjectionStore& store,
                                           absl::string_view lead_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, store.Get(LeadKey(lead_id)));
  if (!value.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(Row row, DecodeRow(*value));
  return row;
}

// Fills one page of ListLeads from index entries offered in order: reads each entry's row,
// keeps the rows the request's filters accept, and stops at the page size or the scan budget
// with a token that resumes after the last entry examined.
class PageBuilder {
 public:
  PageBuilder(const v1::ListLeadsRequest& request, const v1::PipelineSettings& settings,
              absl::Time now, size_t max_scanned)
      : request_(request),
        settings_(settings),
        now_(now),
        page_size_(request.page_size() == 0 ? 50 : request.page_size()),
        max_scanned_(max_scanned) {}

  // Offers the lead of an index entry whose cursor (what a token resumes after) is `cursor`;
  // `row_bytes` when the entry is the row itself. Returns false when the page is complete.
  absl::StatusOr<bool> Offer(projection::ProjectionStore& store, absl::string_view cursor,
                             absl::string_view lead_id,
                             std::optional<absl::string_view> row_bytes = std::nullopt) {
    if (page_.rows.size() == page_size_ || scanned_ == max_scanned_) {
      page_.next_page_token = absl::WebSafeBase64Escape(last_cursor_);
      return false;
    }
    ++scanned_;
    last_cursor_ = std::string(cursor);
    std::optional<Row> row;
    if (row_bytes.has_value()) {
      ASSIGN_OR_RETURN(row, DecodeRow(*row_bytes));
    } else {
      ASSIGN_OR_RETURN(row, ReadRow(store, lead_id));  // none: removed since the index was read
    }
    if (row.has_value() && Matches(row->summary.lead())) {
      page_.rows.push_back(std::move(row->summary));
    }
    return true;
  }

  LeadPage Take() { return std::move(page_); }

 private:
  bool Matches(const v1::Lead& lead) const {
    const v1::ListLeadsRequest& r = request_;
    const org::v1::TerritoryKey& territory = r.territory();
    const v1::LeadDetails& d = lead.details();
    return (r.stage() == v1::LEAD_STAGE_UNSPECIFIED || lead.stage() == r.stage()) &&
           (r.rep_id().empty() || lead.rep_id() == r.rep_id()) &&
           (r.team_id().empty() || lead.team_id() == r.team_id()) &&
           (r.grade() == v1::GRADE_UNSPECIFIED || lead.grade() == r.grade()) &&
           (r.source() == v1::LEAD_SOURCE_UNSPECIFIED || lead.source() == r.source()) &&
           (territory.region_id().empty() || d.company().region_id() == territory.region_id()) &&
           (territory.product_line_id().empty() ||
            d.product_line_id() == territory.product_line_id()) &&
           (territory.segment_id().empty() || d.segment_id() == territory.segment_id()) &&
           (!r.overdue_only() || IsOverdue(lead, settings_, now_));
  }

  const v1::ListLeadsRequest& request_;
  const v1::PipelineSettings& settings_;
  const absl::Time now_;
  const size_t page_size_;
  const size_t max_scanned_;
  LeadPage page_;
  size_t scanned_ = 0;
  std::string last_cursor_;
};

absl::StatusOr<std::string> DecodeToken(const std::string& page_token, absl::string_view prefix) {
  std::string token;
  if (!absl::WebSafeBase64Unescape(page_token, &token) || !absl::StartsWith(token, prefix)) {
    return InvalidField("page_token", "not a token of this query");
  }
  return token;
}

}  // namespace

absl::StatusOr<LeadPage> LeadsReadModel::List(const v1::ListLeadsRequest& request,
                                              const v1::PipelineSettings& settings,
                                              absl::Time now) const {
  // The most selective index the filters allow; every filter is checked on the rows anyway.
  std::string prefix;
  if (!request.rep_id().empty()) {
    prefix = absl::StrCat("xr/", request.rep_id(), "/");
  } else if (!request.team_id().empty()) {
    prefix = absl::StrCat("xt/", request.team_id(), "/");
    if (request.stage() != v1::LEAD_STAGE_UNSPECIFIED) {
      absl::StrAppend(&prefix, Num(request.stage(), 2), "/");
    }
  } else if (request.overdue_only()) {
    return ListOverdue(request, settings, now);
  } else if (request.stage() != v1::LEAD_STAGE_UNSPECIFIED) {
    prefix = absl::StrCat("xs/", Num(request.stage(), 2), "/");
  } else if (request.grade() != v1::GRADE_UNSPECIFIED) {
    prefix = absl::StrCat("xg/", Num(request.grade(), 2), "/");
  } else if (request.source() != v1::LEAD_SOURCE_UNSPECIFIED) {
    prefix = absl::StrCat("xq/", Num(request.source(), 2), "/");
  } else {
    prefix = "l/";
  }
  std::string start = prefix;
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(start, DecodeToken(request.page_token(), prefix));
  }

  PageBuilder page(request, settings, now, max_scanned_per_page_);
  absl::Status offered;
  RETURN_IF_ERROR(
      store_->ScanFrom(prefix, start, [&](absl::string_view key, absl::string_view value) {
        if (key == start && !request.page_token().empty()) return true;  // the token's own entry
        absl::StatusOr<bool> more = prefix == "l/"
                                        ? page.Offer(*store_, key, key.substr(2), value)
                                        : page.Offer(*store_, key, LeadIdOfIndexKey(key));
        offered = more.status();
        return more.ok() && *more;
      }));
  RETURN_IF_ERROR(offered);
  return page.Take();
}

absl::StatusOr<LeadPage> LeadsReadModel::ListOverdue(const v1::ListLeadsRequest& request,
                                                     const v1::PipelineSettings& settings,
                                                     absl::Time now) const {
  // Cursors are "o/<due nanos>/<lead>": the (due, lead id) order of the merged due ranges.
  std::optional<DueEntry> after;
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(std::string token, DecodeToken(request.page_token(), kOverdueCursor));
    std::vector<absl::string_view> parts = absl::StrSplit(token, '/');
    int64_t nanos = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &nanos)) {
      return InvalidField("page_token", "not a token of this query");
    }
    after = DueEntry{absl::FromUnixNanos(nanos), std::string(parts[2])};
  }
  PageBuilder page(request, settings, now, max_scanned_per_page_);
  // Read in chunks: a page usually fills long before the scan budget is spent.
  const size_t chunk = std::min<size_t>(max_scanned_per_page_ + 1, 2 * request.page_size() + 51);
  while (true) {
    ASSIGN_OR_RETURN(std::vector<DueEntry> due, DueLeads("d", settings, now, after, chunk));
    for (const DueEntry& entry : due) {
      const std::string cursor =
          absl::StrCat(kOverdueCursor, Num(Nanos(entry.due), kNanosWidth), "/", entry.lead_id);
      ASSIGN_OR_RETURN(const bool more, page.Offer(*store_, cursor, entry.lead_id));
      if (!more) return page.Take();
    }
    if (due.size() < chunk) return page.Take();
    after = due.back();
  }
}

absl::StatusOr<std::vector<LeadsReadModel::DueEntry>> LeadsReadModel::DueLeads(
    absl::string_view family, const v1::PipelineSettings& settings, absl::Time now,
    const std::optional<DueEntry>& after, size_t limit) const {
  // One range per way of being due: named times, and anchors of each grade (+ its overdue days).
  // Each range is in due order; the first `limit` of their union are among the first `limit`
  // of each.
  struct Range {
    std::string prefix;
    absl::Duration offset;
  };
  std::vector<Range> ranges = {{absl::StrCat(family, "n/"), absl::ZeroDuration()}};
  for (int grade = v1::Grade_MIN; grade <= v1::Grade_MAX; ++grade) {
    if (!v1::Grade_IsValid(grade)) continue;
    const FollowUpDueBasis anchor_basis{.time = absl::UnixEpoch()};
    ranges.push_back(
        {absl::StrCat(family, "a/", Num(grade, 2), "/"),
         DueFromBasis(anchor_basis, static_cast<v1::Grade>(grade), settings) - absl::UnixEpoch()});
  }
  auto before_or_at = [](const DueEntry& a, const DueEntry& b) {
    return a.due < b.due || (a.due == b.due && a.lead_id <= b.lead_id);
  };
  std::vector<DueEntry> due;
  for (const Range& range : ranges) {
    std::string start = range.prefix;
    if (after.has_value()) {
      absl::StrAppend(&start, Num(Nanos(after->due - range.offset), kNanosWidth), "/",
                      after->lead_id);
    }
    size_t taken = 0;
    absl::Status parsed;
    RETURN_IF_ERROR(
        store_->ScanFrom(range.prefix, start, [&](absl::string_view key, absl::string_view) {
          const absl::string_view rest = key.substr(range.prefix.size());  // "<nanos>/<lead>"
          int64_t nanos = 0;
          if (!absl::SimpleAtoi(rest.substr(0, kNanosWidth), &nanos)) {
            parsed = absl::DataLossError(absl::StrCat("leads read model: corrupt due key ", key));
            return false;
          }
          DueEntry entry{absl::FromUnixNanos(nanos) + range.offset,
                         std::string(rest.substr(kNanosWidth + 1))};
          if (entry.due > now) return false;
          if (after.has_value() && before_or_at(entry, *after)) return true;
          due.push_back(std::move(entry));
          return ++taken < limit;
        }));
    RETURN_IF_ERROR(parsed);
  }
  std::sort(due.begin(), due.end(), [](const DueEntry& a, const DueEntry& b) {
    return a.due < b.due || (a.due == b.due && a.lead_id < b.lead_id);
  });
  if (due.size() > limit) due.resize(limit);
  return due;
}

absl::StatusOr<std::vector<v1::GetLeadResponse>> LeadsReadModel::OpenLeadsOfTeam(
    const std::string& team_id) const {
  std::vector<v1::GetLeadResponse> rows;
  for (v1::LeadStage stage : kOpenStages) {
    const std::string prefix = absl::StrCat("xt/", team_id, "/", Num(stage, 2), "/");
    absl::Status read;
    RETURN_IF_ERROR(store_->Scan(prefix, [&](absl::string_view key, absl::string_view) {
      absl::StatusOr<std::optional<Row>> row = ReadRow(*store_, LeadIdOfIndexKey(key));
      if (!row.ok()) {
        read = row.status();
        return false;
      }
      // The row may be newer than the index entry: keep it only where it now belongs.
      if (row->has_value() && (*row)->summary.lead().stage() == stage &&
          (*row)->summary.lead().team_id() == team_id) {
        rows.push_back(std::move((*row)->summary));
      }
      return true;
    }));
    RETURN_IF_ERROR(read);
  }
  return rows;
}

absl::StatusOr<LeadsReadModel::CountedLoads> LeadsReadModel::OpenLoads(
    const std::vector<std::string>& rep_ids, absl::string_view source) const {
  std::vector<std::string> keys;
  keys.reserve(rep_ids.size());
  for (const std::string& rep_id : rep_ids) keys.push_back(OpenLoadKey(rep_id));
  ASSIGN_OR_RETURN(projection::ProjectionStore::RowsAtFeedPosition read,
                   store_->GetAtFeedPosition(source, keys));
  CountedLoads counted{.next_feed_position = read.next_feed_position};
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    ASSIGN_OR_RETURN(counted.loads[rep_ids[i]], ParseCounter(read.rows[i]));
  }
  return counted;
}

absl::StatusOr<std::vector<std::string>> LeadsReadModel::UnreportedDueLeads(
    const v1::PipelineSettings& settings, absl::Time now, size_t limit) const {
  ASSIGN_OR_RETURN(std::vector<DueEntry> due, DueLeads("u", settings, now, std::nullopt, limit));
  std::vector<std::string> ids;
  ids.reserve(due.size());
  for (DueEntry& entry : due) ids.push_back(std::move(entry.lead_id));
  return ids;
}

}  // namespace sales::leads
