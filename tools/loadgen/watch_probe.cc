#include "tools/loadgen/watch_probe.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "sales/leads/v1/leads.grpc.pb.h"
#include "sales/projections/v1/funnel.grpc.pb.h"

namespace sales::loadgen {
namespace {

namespace funnel_v1 = ::sales::projections::v1;
namespace leads_v1 = ::sales::leads::v1;

constexpr char kKind[] = "ack_to_watch";

// Captured entries of the report's single row (0 when it has none yet).
int64_t CapturedEntries(const funnel_v1::FunnelReport& report) {
  if (report.rows_size() == 0) return 0;
  for (const funnel_v1::StageFigures& stage : report.rows(0).stages()) {
    if (stage.stage() == leads_v1::LEAD_STAGE_CAPTURED) return stage.entries();
  }
  return 0;
}

}  // namespace

WatchProbe::WatchProbe(std::shared_ptr<grpc::Channel> channel, Organisation org,
                       WatchProbeOptions options)
    : channel_(std::move(channel)),
      org_(std::move(org)),
      options_(options),
      probe_channel_(absl::StrCat(org_.prefix, "-watch-probe")) {}

WatchProbe::~WatchProbe() { Stop(); }

void WatchProbe::Start() {
  reader_ = std::thread([this] { ReadWatch(); });
  prober_ = std::thread([this] { RunProbes(); });
}

void WatchProbe::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  watch_context_.TryCancel();
  if (prober_.joinable()) prober_.join();
  if (reader_.joinable()) reader_.join();
}

void WatchProbe::ReadWatch() {
  funnel_v1::WatchFunnelRequest request;
  funnel_v1::GetFunnelRequest& query = *request.mutable_query();
  query.set_granularity(funnel_v1::PERIOD_GRANULARITY_YEAR);
  *query.mutable_period_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  query.mutable_filter()->set_dimension(funnel_v1::FUNNEL_DIMENSION_CHANNEL);
  query.mutable_filter()->set_value(probe_channel_);
  auto stub = funnel_v1::FunnelService::NewStub(channel_);
  auto reader = stub->WatchFunnel(&watch_context_, request);
  funnel_v1::FunnelUpdate update;
  while (reader->Read(&update)) {
    absl::MutexLock lock(&mu_);
    visible_ = CapturedEntries(update.report());
  }
  reader->Finish();
  absl::MutexLock lock(&mu_);
  watch_ended_ = true;
}

grpc::Status WatchProbe::Capture(int64_t n) {
  leads_v1::CaptureLeadRequest request;
  request.mutable_meta()->set_actor("system:watch-probe");
  request.set_lead_id(absl::StrCat(org_.prefix, "-probe-", n));
  request.set_source(leads_v1::LEAD_SOURCE_WEB);
  request.set_channel_id(probe_channel_);
  leads_v1::LeadDetails& details = *request.mutable_details();
  details.mutable_contact()->set_name(absl::StrCat("Probe ", n));
  details.mutable_contact()->set_email(absl::StrCat("probe", n, "@", org_.prefix, ".example.com"));
  details.mutable_company()->set_name(absl::StrCat(org_.prefix, " Probe ", n, " Ltd"));
  details.mutable_company()->set_region_id(org_.regions.front());
  details.mutable_company()->set_size(leads_v1::COMPANY_SIZE_SMALL);
  details.set_product_line_id(org_.product_lines.front());
  details.set_segment_id(org_.segments.front());
  auto stub = leads_v1::LeadService::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.patience));
  leads_v1::CaptureLeadResponse response;
  return stub->CaptureLead(&context, request, &response);
}

void WatchProbe::RunProbes() {
  {  // the snapshot first: it is the base every later count is compared with
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](WatchProbe* probe) ABSL_EXCLUSIVE_LOCKS_REQUIRED(probe->mu_) {
                               return probe->visible_ >= 0 || probe->stopping_ ||
                                      probe->watch_ended_;
                             },
                             this),
                         options_.patience);
  }
  for (int64_t n = 1;; ++n) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_ || watch_ended_ || visible_ < 0) return;
    }
    grpc::Status status = Capture(n);
    const absl::Time acked = absl::Now();
    if (!status.ok()) {
      stats_.RecordError(kKind, status.error_code());
      return;
    }
    bool seen = false;
    {
      absl::MutexLock lock(&mu_);
      auto visible_or_done = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return visible_ >= n || stopping_ || watch_ended_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&visible_or_done), options_.patience);
      seen = visible_ >= n;
      if (!seen && (stopping_ || watch_ended_)) return;  // not a measurement
    }
    if (seen) {
      stats_.RecordOk(kKind, absl::Now() - acked);
    } else {
      stats_.RecordError(kKind, grpc::StatusCode::DEADLINE_EXCEEDED);
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval)) return;
  }
}

}  // namespace sales::loadgen
