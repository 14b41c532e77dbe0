#include "services/leads/app/read_model.h"

#include <list>
#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/eventsourcing/event_codec.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/storage/rocksdb_util.h"
#include "rocksdb/write_batch.h"
#include "services/leads/domain/follow_up.h"
#include "services/leads/domain/lead.h"
#include "services/leads/domain/settings.h"

namespace sales::leads {
namespace {

using storage::FromRocks;
using storage::ToSlice;
using storage::ToView;

constexpr absl::string_view kPositionKey = "m/position";
constexpr absl::string_view kSettingsKey = "settings";
constexpr absl::string_view kLeadStreamPrefix = "lead-";
// Rows the read model keeps decoded in memory (RowCache), a few MB.
constexpr size_t kCachedRows = 10'000;
constexpr v1::LeadStage kOpenStages[] = {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_NURTURING,
                                         v1::LEAD_STAGE_QUALIFIED, v1::LEAD_STAGE_OPPORTUNITY};

std::string Num(int64_t n, int width) { return absl::StrFormat("%0*d", width, n); }

std::string DueKey(absl::string_view prefix, absl::Time due, absl::string_view lead_id) {
  const int64_t nanos = std::max<int64_t>(0, absl::ToUnixNanos(due));
  return absl::StrCat(prefix, Num(nanos, 20), "/", lead_id);
}

// Index rows of a lead in its current state (see the layout in read_model.h).
std::vector<std::string> IndexKeys(const v1::Lead& lead, const v1::PipelineSettings& settings) {
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
  if (IsOpen(lead)) {
    if (!lead.rep_id().empty()) keys.push_back(absl::StrCat("xo/", lead.rep_id(), "/", id));
    if (std::optional<absl::Time> due = FollowUpDue(lead, settings)) {
      keys.push_back(DueKey("xd/", *due, id));
      if (!lead.overdue_reported()) keys.push_back(DueKey("xp/", *due, id));
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
    return absl::DataLossError("read model: corrupt lead row");
  }
  Row row;
  absl::string_view bytes = value.substr(newline + 1, length);
  if (!row.summary.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("read model: corrupt lead row");
  }
  for (absl::string_view key :
       absl::StrSplit(value.substr(newline + 1 + length), '\n', absl::SkipEmpty())) {
    row.index_keys.emplace_back(key);
  }
  return row;
}

std::string LeadKey(absl::string_view lead_id) { return absl::StrCat("l/", lead_id); }

std::string OpenLoadKey(absl::string_view rep_id) { return absl::StrCat("co/", rep_id); }

// A decimal counter row; 0 when absent.
absl::StatusOr<int64_t> ReadCounter(rocksdb::DB& db, const std::string& key) {
  std::string value;
  rocksdb::Status s = db.Get({}, key, &value);
  if (s.IsNotFound()) return 0;
  RETURN_IF_ERROR(FromRocks(s, "read model: read counter"));
  int64_t count = 0;
  if (!absl::SimpleAtoi(value, &count)) return absl::DataLossError("read model: corrupt counter");
  return count;
}

absl::string_view LeadIdOfIndexKey(absl::string_view key) { return key.substr(key.rfind('/') + 1); }

}  // namespace

// The rows of the leads applied most recently, exactly as committed, so that a lead's next
// events (which usually follow soon) do not read and decode its row again. A batch takes the
// rows it touches out and puts them back once its write landed; a row whose write failed is
// simply no longer cached. Least recently used rows are evicted. Apply's thread only.
class LeadsReadModel::RowCache {
 public:
  explicit RowCache(size_t capacity) : capacity_(capacity) {}

  std::optional<Row> Take(const std::string& lead_id) {
    auto it = index_.find(lead_id);
    if (it == index_.end()) return std::nullopt;
    Row row = std::move(it->second->second);
    entries_.erase(it->second);
    index_.erase(it);
    return row;
  }

  void Put(const std::string& lead_id, Row row) {
    if (auto it = index_.find(lead_id); it != index_.end()) {
      entries_.erase(it->second);
      index_.erase(it);
    }
    entries_.emplace_front(lead_id, std::move(row));
    index_.emplace(lead_id, entries_.begin());
    if (entries_.size() > capacity_) {
      index_.erase(entries_.back().first);
      entries_.pop_back();
    }
  }

 private:
  const size_t capacity_;
  std::list<std::pair<std::string, Row>> entries_;  // most recently put first
  absl::flat_hash_map<std::string, std::list<std::pair<std::string, Row>>::iterator> index_;
};

// A WriteBatch plus the rows of the leads it touched. Each lead's row is read once per batch,
// folded in memory by every event of the batch, and written once at Commit together with the
// index keys that differ between the row as stored and as it ends the batch: a lead with several
// events in a batch costs one row write, and an index key that comes and goes within the batch
// is never written. The result is the same as writing the row after every event.
class LeadsReadModel::Batch {
 public:
  Batch(rocksdb::DB& db, RowCache& cache) : db_(db), cache_(cache) {}

  // The lead's row as of the events applied so far in this batch (Row{} when it has none), to
  // be changed in place; its index_keys stay those stored until Commit. The pointer is valid
  // until Commit.
  absl::StatusOr<Row*> Touch(const std::string& lead_id) {
    auto it = rows_.find(lead_id);
    if (it == rows_.end()) {
      std::optional<Row> stored = cache_.Take(lead_id);
      if (!stored.has_value()) {
        stored.emplace();
        std::string value;
        rocksdb::Status s = db_.Get({}, LeadKey(lead_id), &value);
        if (!s.IsNotFound()) {
          RETURN_IF_ERROR(FromRocks(s, "read model: read lead row"));
          ASSIGN_OR_RETURN(*stored, DecodeRow(value));
        }
      }
      it = rows_.emplace(lead_id, *std::move(stored)).first;
    }
    return &it->second;
  }

  // The row of `lead_id` (touched before) is to be written at Commit.
  void MarkChanged(const std::string& lead_id) { changed_.insert(lead_id); }

  void Put(absl::string_view key, absl::string_view value) {
    batch_.Put(ToSlice(key), ToSlice(value));
  }

  // Writes the changed rows, indexed with `settings`, and the position, in one WriteBatch.
  absl::Status Commit(uint64_t position, const v1::PipelineSettings& settings) {
    for (const std::string& lead_id : changed_) {
      RETURN_IF_ERROR(WriteRow(rows_.at(lead_id), settings));
    }
    for (const auto& [key, count] : open_loads_) batch_.Put(key, absl::StrCat(count));
    batch_.Put(ToSlice(kPositionKey), absl::StrCat(position));
    rocksdb::Status s = db_.Write({}, &batch_);
    if (s.ok()) {
      for (auto& [lead_id, row] : rows_) {
        if (!row.summary.lead().lead_id().empty()) cache_.Put(lead_id, std::move(row));
      }
    }
    batch_.Clear();
    rows_.clear();
    changed_.clear();
    open_loads_.clear();
    return FromRocks(s, "read model: write batch");
  }

 private:
  // Puts the row and only the index keys that changed (an unchanged key is neither deleted nor
  // re-put, so scans do not wade through tombstones), keeping the open-lead counters of the reps
  // whose "xo/" keys came or went. `row.index_keys` are the stored keys on entry.
  absl::Status WriteRow(Row& row, const v1::PipelineSettings& settings) {
    std::vector<std::string> index_keys = IndexKeys(row.summary.lead(), settings);
    const absl::flat_hash_set<absl::string_view> old_keys(row.index_keys.begin(),
                                                          row.index_keys.end());
    const absl::flat_hash_set<absl::string_view> new_keys(index_keys.begin(), index_keys.end());
    for (const std::string& key : row.index_keys) {
      if (new_keys.contains(key)) continue;
      batch_.Delete(key);
      if (absl::StartsWith(key, "xo/")) RETURN_IF_ERROR(AddToOpenLoad(key, -1));
    }
    for (const std::string& key : index_keys) {
      if (old_keys.contains(key)) continue;
      batch_.Put(key, "");
      if (absl::StartsWith(key, "xo/")) RETURN_IF_ERROR(AddToOpenLoad(key, +1));
    }
    row.index_keys = std::move(index_keys);
    batch_.Put(LeadKey(row.summary.lead().lead_id()), EncodeRow(row));
    return absl::OkStatus();
  }

  // `index_key` is "xo/<rep>/<lead>"; the counter is "co/<rep>".
  absl::Status AddToOpenLoad(absl::string_view index_key, int64_t delta) {
    const absl::string_view rest = index_key.substr(3);
    const std::string counter_key = OpenLoadKey(rest.substr(0, rest.find('/')));
    auto it = open_loads_.find(counter_key);
    if (it == open_loads_.end()) {
      ASSIGN_OR_RETURN(int64_t stored, ReadCounter(db_, counter_key));
      it = open_loads_.emplace(counter_key, stored).first;
    }
    it->second += delta;
    return absl::OkStatus();
  }

  rocksdb::DB& db_;
  RowCache& cache_;
  rocksdb::WriteBatch batch_;
  absl::node_hash_map<std::string, Row> rows_;  // node map: Touch's pointers stay valid
  absl::flat_hash_set<std::string> changed_;    // keys of rows_ to write
  std::map<std::string, int64_t> open_loads_;   // counter key -> count, written at Commit
};

LeadsReadModel::LeadsReadModel(std::unique_ptr<rocksdb::DB> db, size_t max_scanned_per_page)
    : db_(std::move(db)),
      max_scanned_per_page_(max_scanned_per_page),
      row_cache_(std::make_unique<RowCache>(kCachedRows)) {}

LeadsReadModel::~LeadsReadModel() = default;

absl::StatusOr<std::unique_ptr<LeadsReadModel>> LeadsReadModel::Open(const std::string& path,
                                                                     size_t max_scanned_per_page) {
  if (max_scanned_per_page == 0) {
    return absl::InvalidArgumentError("read model: max_scanned_per_page must be positive");
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, path, &raw), "read model: open " + path));
  std::unique_ptr<LeadsReadModel> model(
      new LeadsReadModel(std::unique_ptr<rocksdb::DB>(raw), max_scanned_per_page));
  RETURN_IF_ERROR(model->Load());
  return model;
}

absl::Status LeadsReadModel::Load() {
  std::string value;
  rocksdb::Status s = db_->Get({}, ToSlice(kPositionKey), &value);
  if (!s.IsNotFound()) {
    RETURN_IF_ERROR(FromRocks(s, "read model: read position"));
    uint64_t position = 0;
    if (!absl::SimpleAtoi(value, &position)) return absl::DataLossError("read model: position");
    applied_.store(position, std::memory_order_release);
  }
  s = db_->Get({}, ToSlice(kSettingsKey), &value);
  if (s.IsNotFound()) return absl::OkStatus();
  RETURN_IF_ERROR(FromRocks(s, "read model: read settings"));
  if (!settings_.ParseFromString(value)) {
    return absl::DataLossError("read model: corrupt settings row");
  }
  return absl::OkStatus();
}

absl::Status LeadsReadModel::Apply(const std::vector<eventstore::EventEnvelope>& events) {
  Batch batch(*db_, *row_cache_);
  uint64_t position = applied_position();
  for (const eventstore::EventEnvelope& envelope : events) {
    if (envelope.global_position() != position + 1) {
      return absl::FailedPreconditionError(absl::StrCat(
          "read model: expected position ", position + 1, ", got ", envelope.global_position()));
    }
    const std::string& stream = envelope.stream_id();
    if (stream == kSettingsStreamId) {
      v1::SettingsEvent event;
      RETURN_IF_ERROR(eventsourcing::UnpackEvent(envelope.payload(), event));
      // New settings change the due time of every open lead: commit what precedes them (indexed
      // with the old settings), so that the re-index reads every row from the database.
      if (event.has_pipeline_settings_changed()) {
        RETURN_IF_ERROR(batch.Commit(position, EffectiveSettings(settings_)));
      }
      settings_ = Evolve(std::move(settings_), event);
      batch.Put(kSettingsKey, settings_.SerializeAsString());
      if (event.has_pipeline_settings_changed()) RETURN_IF_ERROR(ReindexAllLeads(batch));
    } else if (absl::StartsWith(stream, kLeadStreamPrefix)) {
      v1::LeadEvent event;
      RETURN_IF_ERROR(eventsourcing::UnpackEvent(envelope.payload(), event));
      const std::string lead_id(absl::string_view(stream).substr(kLeadStreamPrefix.size()));
      ASSIGN_OR_RETURN(Row * row, batch.Touch(lead_id));
      *row->summary.mutable_lead() = Evolve(std::move(*row->summary.mutable_lead()), event);
      row->summary.set_stream_version(envelope.stream_version());
      if (!row->summary.lead().lead_id().empty()) {
        batch.MarkChanged(lead_id);
      } else {
        // An event that folds into nothing (not a capture first) leaves no row behind. Only a
        // lead without a row folds into one without an id: it stays without one.
        *row = Row{};
      }
    }
    position = envelope.global_position();
  }
  // Settings changes were committed apart: every row of this batch is indexed with these.
  RETURN_IF_ERROR(batch.Commit(position, EffectiveSettings(settings_)));
  applied_.store(position, std::memory_order_release);
  return absl::OkStatus();
}

absl::Status LeadsReadModel::ReindexAllLeads(Batch& batch) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}));
  for (it->Seek("l/"); it->Valid() && it->key().starts_with("l/"); it->Next()) {
    const std::string lead_id(ToView(it->key()).substr(2));
    RETURN_IF_ERROR(batch.Touch(lead_id).status());
    batch.MarkChanged(lead_id);  // its index keys are recomputed at Commit
  }
  return FromRocks(it->status(), "read model: scan leads");
}

absl::StatusOr<LeadPage> LeadsReadModel::List(const v1::ListLeadsRequest& request,
                                              const v1::PipelineSettings& settings,
                                              absl::Time now) const {
  // The most selective index the filters allow; every filter is checked on the rows anyway.
  std::string prefix;
  std::string end;  // exclusive upper bound inside the prefix, if any
  if (!request.rep_id().empty()) {
    prefix = absl::StrCat("xr/", request.rep_id(), "/");
  } else if (!request.team_id().empty()) {
    prefix = absl::StrCat("xt/", request.team_id(), "/");
    if (request.stage() != v1::LEAD_STAGE_UNSPECIFIED) {
      absl::StrAppend(&prefix, Num(request.stage(), 2), "/");
    }
  } else if (request.overdue_only()) {
    prefix = "xd/";
    end = DueKey("xd/", now + absl::Nanoseconds(1), "");
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
    std::string token;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &token) ||
        !absl::StartsWith(token, prefix)) {
      return InvalidField("page_token", "not a token of this query");
    }
    start = token;
  }

  const org::v1::TerritoryKey& territory = request.territory();
  auto matches = [&](const v1::Lead& lead) {
    const v1::LeadDetails& d = lead.details();
    return (request.stage() == v1::LEAD_STAGE_UNSPECIFIED || lead.stage() == request.stage()) &&
           (request.rep_id().empty() || lead.rep_id() == request.rep_id()) &&
           (request.team_id().empty() || lead.team_id() == request.team_id()) &&
           (request.grade() == v1::GRADE_UNSPECIFIED || lead.grade() == request.grade()) &&
           (request.source() == v1::LEAD_SOURCE_UNSPECIFIED || lead.source() == request.source()) &&
           (territory.region_id().empty() || d.company().region_id() == territory.region_id()) &&
           (territory.product_line_id().empty() ||
            d.product_line_id() == territory.product_line_id()) &&
           (territory.segment_id().empty() || d.segment_id() == territory.segment_id()) &&
           (!request.overdue_only() || IsOverdue(lead, settings, now));
  };

  const size_t page_size = request.page_size() == 0 ? 50 : request.page_size();
  LeadPage page;
  std::string last_key;
  size_t scanned = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}));
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (key == start && !request.page_token().empty()) continue;
    if (!end.empty() && key >= end) break;
    if (page.rows.size() == page_size || scanned == max_scanned_per_page_) {
      page.next_page_token = absl::WebSafeBase64Escape(last_key);
      break;
    }
    ++scanned;
    last_key = std::string(key);
    Row row;
    if (prefix == "l/") {
      ASSIGN_OR_RETURN(row, DecodeRow(ToView(it->value())));
    } else {
      std::string value;
      rocksdb::Status s = db_->Get({}, LeadKey(LeadIdOfIndexKey(key)), &value);
      if (s.IsNotFound()) continue;  // the row moved on since the iterator's snapshot
      RETURN_IF_ERROR(FromRocks(s, "read model: read lead row"));
      ASSIGN_OR_RETURN(row, DecodeRow(value));
    }
    if (matches(row.summary.lead())) page.rows.push_back(std::move(row.summary));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read model: scan"));
  return page;
}

absl::StatusOr<std::vector<v1::GetLeadResponse>> LeadsReadModel::OpenLeadsOfTeam(
    const std::string& team_id) const {
  std::vector<v1::GetLeadResponse> rows;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}));
  for (v1::LeadStage stage : kOpenStages) {
    const std::string prefix = absl::StrCat("xt/", team_id, "/", Num(stage, 2), "/");
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string value;
      rocksdb::Status s = db_->Get({}, LeadKey(LeadIdOfIndexKey(ToView(it->key()))), &value);
      if (s.IsNotFound()) continue;
      RETURN_IF_ERROR(FromRocks(s, "read model: read lead row"));
      ASSIGN_OR_RETURN(Row row, DecodeRow(value));
      // The row may be newer than the index entry: keep it only where it now belongs.
      if (row.summary.lead().stage() == stage && row.summary.lead().team_id() == team_id) {
        rows.push_back(std::move(row.summary));
      }
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read model: scan team"));
  }
  return rows;
}

absl::StatusOr<RepLoads> LeadsReadModel::OpenLoads(const std::vector<std::string>& rep_ids) const {
  RepLoads loads;
  for (const std::string& rep_id : rep_ids) {
    ASSIGN_OR_RETURN(loads[rep_id], ReadCounter(*db_, OpenLoadKey(rep_id)));
  }
  return loads;
}

absl::StatusOr<std::vector<std::string>> LeadsReadModel::UnreportedDueLeads(absl::Time now,
                                                                            size_t limit) const {
  const std::string end = DueKey("xp/", now + absl::Nanoseconds(1), "");
  std::vector<std::string> ids;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}));
  for (it->Seek("xp/"); it->Valid() && ToView(it->key()) < end && ids.size() < limit; it->Next()) {
    ids.emplace_back(LeadIdOfIndexKey(ToView(it->key())));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read model: scan due"));
  return ids;
}

}  // namespace sales::leads
