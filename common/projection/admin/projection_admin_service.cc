#include "common/projection/admin/projection_admin_service.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/unary_call.h"
#include "common/ids/ids.h"
#include "common/log/log.h"
#include "common/projection/rebuild_check.h"
#include "common/status/errors.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/validation/field_validation.h"
#include "google/protobuf/util/time_util.h"

namespace sales::projection {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::Duration kDefaultMaxWait = absl::Seconds(30);
constexpr absl::Duration kLongestMaxWait = absl::Minutes(10);

void FillStatus(const AdministeredProjection& projection,
                projections::v1::ProjectionStatus& status) {
  const projection::RunnerStats stats = projection.runner->stats();
  status.set_name(projection.name);
  for (const ProjectionSource& source : projection.sources) {
    status.add_topics(source.topic);
  }
  status.set_applied(stats.applied);
  status.set_duplicates(stats.duplicates);
  status.set_dead_lettered(stats.dead_lettered);
  status.set_catch_ups(stats.catch_ups);
  status.set_consumer_lag(stats.consumer_lag);
  status.set_live_events(stats.live.events);
  *status.mutable_live_cpu() =
      TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(stats.live.cpu));
  status.set_catch_up_events(stats.catch_up.events);
  *status.mutable_catch_up_cpu() =
      TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(stats.catch_up.cpu));
  if (stats.last_applied_at.has_value()) {
    *status.mutable_last_applied_at() =
        TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(*stats.last_applied_at));
  }
  if (!stats.last_error.ok()) status.set_last_error(stats.last_error.ToString());
}

absl::StatusOr<absl::Duration> MaxWait(const projections::v1::RebuildRequest& request) {
  if (!request.has_max_wait()) return kDefaultMaxWait;
  const absl::Duration wait =
      absl::Nanoseconds(TimeUtil::DurationToNanoseconds(request.max_wait()));
  if (wait <= absl::ZeroDuration() || wait > kLongestMaxWait) {
    return InvalidField("max_wait", "must be positive and at most 10 minutes");
  }
  return wait;
}

}  // namespace

ProjectionAdminService::ProjectionAdminService(concurrency::Executor* executor,
                                               std::string scratch_dir)
    : executor_(executor), scratch_dir_(std::move(scratch_dir)) {
  ParseRequestsOf(&ProjectionAdminService::ListProjections, &ProjectionAdminService::Rebuild);
  RemoveAbandonedRebuilds();
}

void ProjectionAdminService::RemoveAbandonedRebuilds() const {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(scratch_dir_, error)) {
    const std::string name = entry.path().filename().string();
    if (!absl::StrContains(name, kRebuildInfix)) continue;
    std::error_code removed;
    std::filesystem::remove_all(entry.path(), removed);
    log::Info("projection.rebuild.abandoned_removed",
              {{"path", entry.path().string()}, {"error", removed.message()}});
  }
}

void ProjectionAdminService::Register(AdministeredProjection projection) {
  projections_.push_back(std::move(projection));
}

const AdministeredProjection* ProjectionAdminService::Find(absl::string_view name) const {
  for (const AdministeredProjection& projection : projections_) {
    if (projection.name == name) return &projection;
  }
  return nullptr;
}

grpc::ServerUnaryReactor* ProjectionAdminService::ListProjections(
    grpc::CallbackServerContext* context, const projections::v1::ListProjectionsRequest*,
    projections::v1::ListProjectionsResponse* response) {
  for (const AdministeredProjection& projection : projections_) {
    FillStatus(projection, *response->add_projections());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

// Validates the request on the reaction thread: the name first (its length before anything
// echoes it), then the projection, then the wait.
absl::StatusOr<std::pair<const AdministeredProjection*, absl::Duration>>
ProjectionAdminService::CheckRebuild(const projections::v1::RebuildRequest& request) const {
  if (request.name().empty()) return InvalidField("name", "required");
  if (request.name().size() > kMaxIdLength) {
    return InvalidField("name", "longer than 128 characters");
  }
  ASSIGN_OR_RETURN(absl::Duration max_wait, MaxWait(request));
  const AdministeredProjection* projection = Find(request.name());
  if (projection == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("field name: no projection ", Quoted(request.name()), " runs here"));
  }
  return std::make_pair(projection, max_wait);
}

grpc::ServerUnaryReactor* ProjectionAdminService::Rebuild(
    grpc::CallbackServerContext* context, const projections::v1::RebuildRequest* request,
    projections::v1::RebuildResponse* response) {
  absl::StatusOr<std::pair<const AdministeredProjection*, absl::Duration>> checked =
      CheckRebuild(*request);
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, checked.status(),
      [this, context, checked, request, response]() -> absl::Status {
        const auto [projection, max_wait] = *checked;
        const std::string path = absl::StrCat(scratch_dir_, "/", projection->name, kRebuildInfix,
                                              ids::NewUlid(absl::Now()));
        const absl::Time started = absl::Now();
        std::unique_ptr<Projection> fresh = projection->make_projection();
        absl::StatusOr<projection::RebuildComparison> result = projection::RebuildAndCompare(
            *fresh, projection->runner->store(), path, projection->sources,
            {.max_wait = max_wait, .cancelled = [context] { return context->IsCancelled(); }});
        if (!request->keep_copy() || !result.ok()) {
          std::error_code ignored;
          std::filesystem::remove_all(path, ignored);
        }
        if (!result.ok()) {
          log::Error("projection.rebuild.failed",
                     {{"projection", projection->name}, {"error", result.status().ToString()}});
          return result.status();
        }
        response->set_name(projection->name);
        response->set_events_applied(result->events_applied);
        response->set_streams(result->streams);
        response->set_feed_positions(result->feed_positions);
        response->set_live_checksum(result->live_checksum);
        response->set_rebuilt_checksum(result->rebuilt_checksum);
        response->set_identical(result->identical);
        *response->mutable_took() =
            TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(absl::Now() - started));
        *response->mutable_cpu() =
            TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(result->cpu));
        if (request->keep_copy()) response->set_rebuilt_path(path);
        log::Info("projection.rebuild.compared", {{"projection", projection->name},
                                                  {"events", result->events_applied},
                                                  {"identical", result->identical}});
        return absl::OkStatus();
      });
}

}  // namespace sales::projection
