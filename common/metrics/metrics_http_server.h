// MetricsHttpServer: serves a MetricsRegistry to Prometheus over HTTP, using civetweb.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<MetricsHttpServer> server,
//                    MetricsHttpServer::Start(&MetricsRegistry::Default(), "0.0.0.0", 9464));
//   log::Info("metrics.listening", {{"port", server->port()}});
//
// Routes: GET /metrics → the registry in text exposition format 0.0.4; GET /healthz → "ok"
// (the process is up and serving); anything else → 404. Two worker threads: scrapes are rare and
// cheap, and the server must not compete with the services for cores. No files are served.
// civetweb's own diagnostics go to sales::log as "metrics_http.civetweb" warnings.
//
// Thread-safety: port() may be called from any thread. Destroying the server stops it and waits
// for requests in flight; the registry must outlive the server.
#ifndef SALES_COMMON_METRICS_METRICS_HTTP_SERVER_H_
#define SALES_COMMON_METRICS_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/metrics_registry.h"

struct mg_context;
struct mg_connection;

namespace sales::metrics {

class MetricsHttpServer {
 public:
  // Listens on host:port; port 0 picks a free port (see port()). Fails with UNAVAILABLE, naming
  // the address, when it cannot listen there (e.g. the port is taken).
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const MetricsRegistry* registry,
                                                                  std::string host = "127.0.0.1",
                                                                  int port = 0);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // The port actually listened on.
  int port() const { return port_; }

 private:
  MetricsHttpServer(const MetricsRegistry* registry, std::string host)
      : registry_(registry), host_(std::move(host)) {}
  // civetweb request handler; `self` is the server.
  static int HandleRequest(mg_connection* connection, void* self);
  // civetweb diagnostics (its context's user data is the server).
  static int OnCivetwebMessage(const mg_connection* connection, const char* message);

  const MetricsRegistry* const registry_;
  const std::string host_;
  mg_context* context_ = nullptr;
  int port_ = 0;
  absl::Mutex mu_;
  // The first diagnostic civetweb gave, e.g. why it could not bind: explains a failed Start.
  std::string first_civetweb_message_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sales::metrics

#endif  // SALES_COMMON_METRICS_METRICS_HTTP_SERVER_H_
