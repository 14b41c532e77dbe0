#include "common/outbox/outbox_relay.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/kafka/topic_info.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"

namespace sales::outbox {
namespace {

using eventstore::StoredEvent;

constexpr absl::Duration kReportWait = absl::Milliseconds(1);
constexpr absl::Duration kDrainPoll = absl::Milliseconds(10);
constexpr absl::Duration kMetadataWait = absl::Seconds(1);

int ToMs(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

// The envelope's event type, or "" if the stored bytes do not parse (they always should: the
// event store wrote them).
std::string EventType(const std::string& stored_bytes) {
  eventstore::EventEnvelope envelope;
  return envelope.ParseFromString(stored_bytes) ? envelope.event_type() : "";
}

absl::Status ValidateOptions(const OutboxRelayOptions& options) {
  if (options.bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("outbox relay: bootstrap_servers is required");
  }
  if (options.topic.empty()) return absl::InvalidArgumentError("outbox relay: topic is required");
  if (options.max_in_flight == 0 || options.read_batch == 0) {
    return absl::InvalidArgumentError("outbox relay: max_in_flight and read_batch must be > 0");
  }
  if (options.metrics == nullptr) {
    return absl::InvalidArgumentError("outbox relay: metrics registry is required");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<OutboxRelay>> OutboxRelay::Start(eventstore::EventStore* store,
                                                                OutboxRelayOptions options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  // librdkafka's own queue must hold everything the relay may have in flight.
  kafka::ConfigOverrides overrides = {
      {"queue.buffering.max.messages",
       absl::StrCat(std::max<size_t>(100000, options.max_in_flight))}};
  overrides.insert(overrides.end(), options.producer_overrides.begin(),
                   options.producer_overrides.end());
  ASSIGN_OR_RETURN(kafka::ConfPtr conf,
                   kafka::ProducerConfig(options.bootstrap_servers, overrides));

  std::unique_ptr<OutboxRelay> relay(new OutboxRelay(store, std::move(options)));
  rd_kafka_conf_set_opaque(conf.get(), relay.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &OutboxRelay::OnDelivery);
  ASSIGN_OR_RETURN(relay->producer_, kafka::NewProducer(std::move(conf)));
  relay->thread_ = std::thread([r = relay.get()] { r->Run(); });
  return relay;
}

OutboxRelay::OutboxRelay(eventstore::EventStore* store, OutboxRelayOptions options)
    : store_(store),
      options_(std::move(options)),
      published_total_(options_.metrics->GetCounter("sales_outbox_published_total",
                                                    "Outbox events acknowledged by Kafka.",
                                                    {{"topic", options_.topic}})),
      delivery_errors_total_(options_.metrics->GetCounter(
          "sales_outbox_delivery_errors_total",
          "Outbox events Kafka refused permanently (they are retried).",
          {{"topic", options_.topic}})),
      backoff_(options_.initial_backoff),
      backlog_gauge_(options_.metrics->AddCallbackGauge(
          "sales_outbox_backlog", "Outbox rows not yet deleted after publication.",
          {{"topic", options_.topic}}, [this] { return static_cast<double>(backlog()); })),
      in_flight_gauge_(options_.metrics->AddCallbackGauge(
          "sales_outbox_in_flight", "Outbox events produced but not yet acknowledged.",
          {{"topic", options_.topic}}, [this] { return static_cast<double>(in_flight()); })) {}

OutboxRelay::~OutboxRelay() { Stop().IgnoreError(); }

void OutboxRelay::Wake() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

absl::Status OutboxRelay::Stop(absl::Duration timeout) { return Shutdown(false, timeout); }

void OutboxRelay::Abandon() { Shutdown(true, absl::ZeroDuration()).IgnoreError(); }

absl::Status OutboxRelay::Shutdown(bool abandon, absl::Duration drain_timeout) {
  absl::MutexLock shutdown_lock(&shutdown_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return stop_status_;
    stop_ = true;
    abandon_ = abandon;
    drain_deadline_ = absl::Now() + drain_timeout;
  }
  if (thread_.joinable()) thread_.join();  // not started if Start failed
  if (producer_ != nullptr) {
    // Whatever is still queued is given up: those rows stay in the outbox for the next relay.
    rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    producer_.reset();
  }
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  return stop_status_;
}

bool OutboxRelay::StopRequested() {
  absl::MutexLock lock(&mu_);
  return stop_;
}

void OutboxRelay::Run() {
  kafka::PrefetchTopicMetadata(producer_.get(), options_.topic, kMetadataWait);
  while (!StopRequested()) {
    const absl::Status status = Step();
    if (!status.ok()) {
      log::Warn("outbox.relay_error", {{"topic", options_.topic},
                                       {"error", status.ToString()},
                                       {"backoff_ms", absl::ToInt64Milliseconds(backoff_)}});
      Backoff();
    }
  }
  bool abandon;
  absl::Time deadline;
  {
    absl::MutexLock lock(&mu_);
    abandon = abandon_;
    deadline = drain_deadline_;
  }
  if (abandon) return;
  const absl::Status status = Drain(deadline);
  absl::MutexLock lock(&mu_);
  stop_status_ = status;
}

absl::Status OutboxRelay::Step() {
  RETURN_IF_ERROR(CollectReports(absl::ZeroDuration()));
  if (failed_) return Recover();
  ASSIGN_OR_RETURN(const size_t produced, ProduceMore());
  if (produced > 0 || failed_) return absl::OkStatus();
  if (in_flight() > 0) return CollectReports(kReportWait);
  WaitForWork(options_.poll_interval);
  return absl::OkStatus();
}

absl::StatusOr<size_t> OutboxRelay::ProduceMore() {
  const size_t room =
      options_.max_in_flight - std::min<size_t>(in_flight(), options_.max_in_flight);
  if (room == 0) return 0;
  ASSIGN_OR_RETURN(std::vector<StoredEvent> rows,
                   store_->ReadOutbox(next_position_, std::min(room, options_.read_batch)));
  size_t produced = 0;
  for (const StoredEvent& row : rows) {
    const absl::Status status = Produce(row);
    if (absl::IsResourceExhausted(status)) break;  // librdkafka's queue is full: retry later
    if (!status.ok()) {
      // A message librdkafka refuses outright (e.g. too large) is a permanent error too.
      log::Error(
          "outbox.produce_failed",
          {{"topic", options_.topic}, {"position", row.position}, {"error", status.ToString()}});
      delivery_errors_.fetch_add(1, std::memory_order_relaxed);
      delivery_errors_total_->Increment();
      failed_ = true;
      break;
    }
    in_flight_.fetch_add(1, std::memory_order_relaxed);
    next_position_ = row.position + 1;
    ++produced;
  }
  return produced;
}

absl::Status OutboxRelay::Produce(const StoredEvent& event) {
  kafka::HeadersPtr headers(rd_kafka_headers_new(1));
  const std::string event_type = EventType(event.bytes);
  if (!event_type.empty()) {
    rd_kafka_header_add(headers.get(), kEventTypeHeader.data(),
                        static_cast<ssize_t>(kEventTypeHeader.size()), event_type.data(),
                        static_cast<ssize_t>(event_type.size()));
  }
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_.get(), RD_KAFKA_V_TOPIC(options_.topic.c_str()),
      RD_KAFKA_V_KEY(event.stream_id.data(), event.stream_id.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(event.bytes.data()), event.bytes.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers.get()),
      // The position travels as the opaque pointer's value (no allocation per message).
      RD_KAFKA_V_OPAQUE(
          reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr): a value, never deref'd
              static_cast<uintptr_t>(event.position))),
      RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    return absl::ResourceExhaustedError("librdkafka queue full");
  }
  RETURN_IF_ERROR(kafka::KafkaError(err, absl::StrCat("produce outbox row ", event.position)));
  (void)headers.release();  // the message owns them now
  return absl::OkStatus();
}

void OutboxRelay::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* relay = static_cast<OutboxRelay*>(opaque);
  relay->in_flight_.fetch_sub(1, std::memory_order_relaxed);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    relay->delivered_.push_back(reinterpret_cast<uintptr_t>(message->_private));
    relay->published_.fetch_add(1, std::memory_order_relaxed);
    relay->published_total_->Increment();
    if (!relay->failed_) relay->backoff_ = relay->options_.initial_backoff;
    return;
  }
  relay->delivery_errors_.fetch_add(1, std::memory_order_relaxed);
  relay->delivery_errors_total_->Increment();
  if (!relay->failed_) {  // log the first error of an episode, not every message of it
    log::Error("outbox.delivery_failed",
               {{"topic", relay->options_.topic},
                {"position", reinterpret_cast<uintptr_t>(message->_private)},
                {"error", rd_kafka_err2str(message->err)}});
  }
  relay->failed_ = true;
}

absl::Status OutboxRelay::CollectReports(absl::Duration wait) {
  rd_kafka_poll(producer_.get(), ToMs(wait));
  if (delivered_.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(store_->DeleteOutbox(delivered_));
  delivered_.clear();
  return absl::OkStatus();
}

absl::Status OutboxRelay::Recover() {
  while (in_flight() > 0) {
    if (StopRequested()) return absl::OkStatus();  // Drain takes over
    RETURN_IF_ERROR(CollectReports(kDrainPoll));
  }
  ASSIGN_OR_RETURN(std::vector<StoredEvent> first, store_->ReadOutbox(0, 1));
  if (!first.empty()) next_position_ = first.front().position;
  log::Warn("outbox.rewind", {{"topic", options_.topic},
                              {"position", next_position_},
                              {"backoff_ms", absl::ToInt64Milliseconds(backoff_)}});
  Backoff();
  failed_ = false;
  return absl::OkStatus();
}

void OutboxRelay::WaitForWork(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(
                           +[](OutboxRelay* r) { return r->wake_ || r->stop_; }, this),
                       timeout);
  wake_ = false;
}

void OutboxRelay::Backoff() {
  {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stop_), backoff_);
  }
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
}

absl::Status OutboxRelay::Drain(absl::Time deadline) {
  absl::Status status;
  while (in_flight() > 0 && absl::Now() < deadline) {
    status.Update(CollectReports(kDrainPoll));
  }
  status.Update(CollectReports(absl::ZeroDuration()));
  if (in_flight() > 0) {
    status.Update(absl::DeadlineExceededError(
        absl::StrCat("outbox relay stopped with ", in_flight(),
                     " messages unacknowledged; their rows stay in the outbox")));
  }
  return status;
}

}  // namespace sales::outbox
