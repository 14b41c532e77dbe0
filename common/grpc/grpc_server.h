// GrpcServer: starts a gRPC server for a set of callback services, with the standard health
// checking service (grpc.health.v1.Health) and server reflection enabled, as every server of
// the platform must have.
//
//   EventFeedService feed({{"leads", store.get()}}, &executor);
//   ASSIGN_OR_RETURN(std::unique_ptr<GrpcServer> server,
//                    GrpcServer::Start({.port = 0}, {&feed}));
//   server->SetServing("sales.common.v1.EventFeed", true);
//   LOG(INFO) << "listening on " << server->address();
//   ...
//   server->Shutdown(absl::Now() + absl::Seconds(5));
//
// The rule for services hosted here (the gRPC callback API, gRFC L67): reactions (the method
// handlers and OnWriteDone/OnReadDone/OnCancel/OnDone) run on gRPC's small library thread pool
// and must never block. Anything that may wait — a RocksDB read, a synced append, a wait on
// Kafka, a call to another service — is scheduled on the service's own
// sales::concurrency::Executor, and that task then calls the reactor's StartWrite()/Finish().
// Executors must outlive the server: Shutdown() waits for every call to finish, and a call
// finishes only when its scheduled task has run.
//
// Thread-safety: SetServing() may be called from any thread at any time; Shutdown() is
// idempotent and may be called from any thread except a reaction (it waits for reactions).
#ifndef SALES_COMMON_GRPC_GRPC_SERVER_H_
#define SALES_COMMON_GRPC_GRPC_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"

namespace sales::grpc_server {

struct GrpcServerOptions {
  // Interface to listen on; 127.0.0.1 keeps a server off the network unless asked.
  std::string host = "127.0.0.1";
  // 0 picks a free ephemeral port (see GrpcServer::port()).
  int port = 0;
  // Largest request or response message accepted, in bytes (gRPC's default is 4 MiB).
  int max_message_bytes = 16 * 1024 * 1024;

  // Limits that keep one client from holding the server's memory or connections (a client that
  // opened 20,000 streams on one connection used to take RSS up by 300 MB for good):
  // Streams one connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); more
  // wait for the client's transport. Watch streams count too.
  int max_concurrent_streams_per_connection = 100;
  // gRPC's resource quota for the whole server: the buffers of every connection and call.
  // Beyond it new streams are refused (RESOURCE_EXHAUSTED) until memory is released.
  int64_t memory_quota_bytes = int64_t{256} << 20;
  // Keepalive: the server pings an idle connection every keepalive_time and closes it when the
  // ping is not answered within keepalive_timeout; a client may ping at most every
  // min_client_ping_interval (more often is a ping flood: GOAWAY after two strikes).
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration min_client_ping_interval = absl::Seconds(10);
  // A connection with no call for max_connection_idle is closed; every connection is asked to
  // go away (GOAWAY) after max_connection_age, its calls getting max_connection_age_grace to
  // finish (long watch streams end then with UNAVAILABLE, and clients reconnect).
  absl::Duration max_connection_idle = absl::Minutes(15);
  absl::Duration max_connection_age = absl::Hours(1);
  absl::Duration max_connection_age_grace = absl::Minutes(30);
};

class GrpcServer {
 public:
  // Builds and starts the server. `services` (callback services) must outlive it. Fails with
  // UNAVAILABLE naming the address when the port cannot be bound (already taken, no such
  // interface, …). SO_REUSEPORT is off, so a taken port is an error, never silently shared.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const GrpcServerOptions& options, const std::vector<grpc::Service*>& services);

  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;
  // Shuts down immediately (cancels calls still in flight) if Shutdown() was not called.
  ~GrpcServer();

  // The bound port (the chosen one when options.port was 0).
  int port() const { return port_; }
  // "host:port", ready for grpc::CreateChannel.
  std::string address() const;

  // Health status reported for `service_name` (a fully qualified service such as
  // "sales.leads.v1.LeadService"; "" is the whole server, SERVING from the start). Names never
  // set answer NOT_FOUND to health checks.
  void SetServing(const std::string& service_name, bool serving);

  // Reports NOT_SERVING for everything, stops accepting calls, waits for calls in flight until
  // `deadline`, then cancels the rest and waits for their reactors to finish.
  void Shutdown(absl::Time deadline);

 private:
  GrpcServer(std::unique_ptr<grpc::Server> server, std::string host, int port);

  std::unique_ptr<grpc::Server> server_;
  const std::string host_;
  const int port_;
};

}  // namespace sales::grpc_server

#endif  // SALES_COMMON_GRPC_GRPC_SERVER_H_
