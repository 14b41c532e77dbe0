// Cluster identity: "is this the broker whose history my stored offsets refer to?"
//
// A projection stores the identity beside its offsets and compares it at start; a different
// identity means the offsets are meaningless (catch up from the event feed instead).
//
//   ASSIGN_OR_RETURN(std::string identity,
//                    FetchClusterIdentity(bootstrap, absl::Seconds(10)));
//   if (identity != stored_identity) { /* new broker: rebuild from the event feed */ }
//
// Why not just the metadata cluster id: librdkafka 2.0.2's mock cluster derives its id from a
// pointer ("mockCluster%lx" of the cluster struct's address, rdkafka_mock.c), so two starts can
// report the same id. The embedded broker therefore creates, at start, a one-partition topic
// kBrokerEpochTopic holding one message whose value is a fresh random 128-bit hex id, and the
// identity is "<metadata cluster id>/<epoch id>". A real Kafka cluster has no such topic; its
// identity is its metadata cluster id alone (KRaft/ZooKeeper cluster ids are already unique).
//
// Thread-safety: thread-safe (each call uses its own short-lived client).
#ifndef SALES_COMMON_KAFKA_CLUSTER_IDENTITY_H_
#define SALES_COMMON_KAFKA_CLUSTER_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sales::kafka {

inline constexpr absl::string_view kBrokerEpochTopic = "__sales_broker_epoch";

// The identity described above. UNAVAILABLE when the cluster does not answer within `timeout`,
// DEADLINE_EXCEEDED when the epoch topic exists but its record could not be read in time.
absl::StatusOr<std::string> FetchClusterIdentity(const std::string& bootstrap_servers,
                                                 absl::Duration timeout);

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_CLUSTER_IDENTITY_H_
