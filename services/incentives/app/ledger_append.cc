#include "services/incentives/app/ledger_append.h"

#include <utility>

#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/incentives/domain/aggregates.h"

namespace sales::incentives {

LedgerAppend::~LedgerAppend() { ForgetDecided(); }

bool LedgerAppend::Fits(const std::vector<std::string>& streams) const {
  size_t new_streams = 0;
  for (const std::string& stream : streams) {
    auto found = index_.find(stream);
    if (found == index_.end()) {
      ++new_streams;
    } else if (multi_.appends[found->second].events.size() >= eventstore::kMaxEventsPerAppend) {
      return false;
    }
  }
  return multi_.appends.size() + new_streams <= eventstore::kMaxStreamsPerMultiAppend;
}

eventstore::AppendRequest& LedgerAppend::StreamAppend(const std::string& stream_id,
                                                      int64_t expected_version,
                                                      LedgerBooks::Book* book,
                                                      const std::string& rep_id) {
  auto [found, added] = index_.try_emplace(stream_id, multi_.appends.size());
  if (added) {
    eventstore::AppendRequest& append = multi_.appends.emplace_back();
    append.stream_id = stream_id;
    append.expected_version = expected_version;
    owners_.push_back({.rep_id = rep_id, .book = book});
  }
  return multi_.appends[found->second];
}

absl::Status LedgerAppend::AddLedger(const std::string& rep_id, LedgerBooks::Book& book,
                                     const v1::LedgerLinesRecorded& event,
                                     const eventsourcing::EnvelopeMetadata& metadata,
                                     const std::string& deal_id, absl::Time at) {
  eventstore::AppendRequest& append =
      StreamAppend(LedgerStreamId(rep_id), static_cast<int64_t>(book.version), &book, rep_id);
  v1::LedgerEvent wrapper;
  *wrapper.mutable_ledger_lines_recorded() = event;
  RETURN_IF_ERROR(eventsourcing::AddEnvelope(append, wrapper, metadata, deal_id, ToTimestamp(at)));
  book.Decide(event);
  return absl::OkStatus();
}

absl::Status LedgerAppend::AddOther(const std::string& stream_id, int64_t expected_version,
                                    const google::protobuf::Message& wrapper,
                                    const eventsourcing::EnvelopeMetadata& metadata,
                                    const std::string& deal_id, absl::Time at) {
  eventstore::AppendRequest& append = StreamAppend(stream_id, expected_version, nullptr, "");
  return eventsourcing::AddEnvelope(append, wrapper, metadata, deal_id, ToTimestamp(at));
}

absl::StatusOr<uint64_t> LedgerAppend::Commit(const std::string& idempotency_key,
                                              const std::string& idempotency_fingerprint) {
  if (multi_.appends.empty()) return 0;
  multi_.idempotency_key = idempotency_key;
  multi_.idempotency_fingerprint = idempotency_fingerprint;
  absl::StatusOr<std::vector<eventstore::AppendResult>> appended =
      store_.AppendAll(std::exchange(multi_, {}));
  index_.clear();
  if (!appended.ok()) {
    ForgetDecided();
    return appended.status();
  }
  for (size_t i = 0; i < owners_.size(); ++i) {
    const Owner& owner = owners_[i];
    if (owner.book == nullptr) continue;
    if (i >= appended->size() || (*appended)[i].deduplicated) {
      books_.Forget(owner.rep_id);  // written before (the same key): reload what was
    } else {
      owner.book->Stored((*appended)[i].last_version);
    }
  }
  owners_.clear();
  return appended->empty() ? 0 : appended->front().last_version;
}

void LedgerAppend::ForgetDecided() {
  for (const Owner& owner : owners_) {
    if (owner.book != nullptr) books_.Forget(owner.rep_id);
  }
  owners_.clear();
  multi_ = {};
  index_.clear();
}

}  // namespace sales::incentives
