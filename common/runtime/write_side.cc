#include "common/runtime/write_side.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/eventstore/notifying_event_store.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"

namespace sales::runtime {

std::string TopicFor(absl::string_view context) {
  return absl::StrCat("sales.", context, ".v1.events");
}

absl::StatusOr<std::unique_ptr<WriteSide>> WriteSide::Open(const WriteSideOptions& options) {
  if (options.context.empty() || !std::all_of(options.context.begin(), options.context.end(),
                                              [](char c) { return c >= 'a' && c <= 'z'; })) {
    return InvalidField("context", "lower-case letters only, e.g. \"leads\"");
  }
  const std::filesystem::path dir = std::filesystem::path(options.data_dir) / options.context;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", dir.string(), ": ", error.message()));
  }
  auto side = std::unique_ptr<WriteSide>(new WriteSide());
  side->topic_ = TopicFor(options.context);
  ASSIGN_OR_RETURN(std::unique_ptr<eventstore::EventStore> store,
                   eventstore::EventStore::Open({.path = (dir / "events").string(),
                                                 .service = options.context,
                                                 .durability = options.durability,
                                                 .memory = options.memory}));
  side->store_ =
      std::make_unique<eventstore::NotifyingEventStore>(std::move(store), &side->appended_);
  ASSIGN_OR_RETURN(side->relay_,
                   outbox::OutboxRelay::Start(side->store_.get(),
                                              {.bootstrap_servers = options.bootstrap_servers,
                                               .topic = side->topic_,
                                               .metrics = options.metrics}));
  return side;
}

WriteSide::~WriteSide() {
  if (relay_ != nullptr) relay_->Stop(absl::Seconds(5)).IgnoreError();
}

}  // namespace sales::runtime
