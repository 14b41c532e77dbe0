// Conversions between absl::Time and google.protobuf.Timestamp, for every context.
//
//   google::protobuf::Timestamp ts = ToTimestamp(absl::UnixEpoch() + absl::Hours(1));
//   absl::Time t = FromTimestamp(ts);
//
// Pure functions; thread-safe.
#ifndef SALES_COMMON_TIME_PROTO_TIME_H_
#define SALES_COMMON_TIME_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace sales {

google::protobuf::Timestamp ToTimestamp(absl::Time time);

// An unset Timestamp (all zero) is the Unix epoch.
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

// The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31, nanos in [0, 1e9).
bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace sales

#endif  // SALES_COMMON_TIME_PROTO_TIME_H_
