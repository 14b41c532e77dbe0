// RouteProtobufLogs: protobuf's own log lines ("[libprotobuf ERROR …] Can't parse message …",
// one per malformed request a server receives) go through the platform's JSON log, at most
// `per_second` a second; the rest are counted and reported with the next line that passes.
// RunProcess installs it; without it a client sending garbage wrote megabytes to stderr.
#ifndef SALES_COMMON_RUNTIME_PROTOBUF_LOG_H_
#define SALES_COMMON_RUNTIME_PROTOBUF_LOG_H_

namespace sales::runtime {

void RouteProtobufLogs(int per_second = 5);

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_PROTOBUF_LOG_H_
