#include "common/metrics/metrics_http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log/log.h"

namespace sales::metrics {
namespace {

constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

void SendBody(mg_connection* connection, const char* content_type, absl::string_view body) {
  // NOLINTNEXTLINE(google-runtime-int): mongoose's parameter type
  mg_send_http_ok(connection, content_type, static_cast<long long>(body.size()));
  mg_write(connection, body.data(), body.size());
}

// "host:port" as civetweb's listening_ports wants it; IPv6 literals go in brackets.
std::string ListeningAddress(absl::string_view host, int port) {
  if (absl::StrContains(host, ':')) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

// Opens and closes one TCP connection to host:port, ignoring failures. A wildcard host is reached
// through loopback.
void ConnectOnce(const std::string& host, int port) {
  sockaddr_storage address{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (host.empty() || host == "0.0.0.0") {
    v4->sin_family = AF_INET;
    v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  } else if (host == "::") {
    v6->sin6_family = AF_INET6;
    v6->sin6_addr = in6addr_loopback;
  } else if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
  } else {
    return;
  }
  if (address.ss_family == AF_INET) {
    v4->sin_port = htons(static_cast<uint16_t>(port));
    length = sizeof(sockaddr_in);
  } else {
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    length = sizeof(sockaddr_in6);
  }
  int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  (void)::connect(fd, reinterpret_cast<sockaddr*>(&address), length);
  ::close(fd);
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const MetricsRegistry* registry, std::string host, int port) {
  static std::once_flag init_library;
  std::call_once(init_library, [] { mg_init_library(0); });

  const std::string address = ListeningAddress(host, port);
  // Enough workers that slow or idle clients (each holds one until the request timeout, which
  // is short: /metrics and /healthz answer at once) never starve the health probes.
  const char* options[] = {
      "listening_ports",       address.c_str(), "num_threads", "16", "request_timeout_ms", "2000",
      "keep_alive_timeout_ms", "2000",          nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  callbacks.log_message = &MetricsHttpServer::OnCivetwebMessage;
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(registry, std::move(host)));
  mg_init_data init{
      .callbacks = &callbacks, .user_data = server.get(), .configuration_options = options};
  char error_text[256] = "";
  unsigned error_code = 0;
  mg_error_data error{
      .code = &error_code, .text = error_text, .text_buffer_size = sizeof(error_text)};

  server->context_ = mg_start2(&init, &error);
  if (server->context_ == nullptr) {
    absl::MutexLock lock(&server->mu_);
    return absl::UnavailableError(absl::StrCat(
        "metrics HTTP server cannot listen on ", address, ": ",
        server->first_civetweb_message_.empty() ? error_text : server->first_civetweb_message_));
  }
  mg_server_port ports[1];
  if (mg_get_server_ports(server->context_, 1, ports) != 1) {
    return absl::InternalError(
        absl::StrCat("metrics HTTP server on ", address, ": civetweb reports no listening port"));
  }
  server->port_ = ports[0].port;
  mg_set_request_handler(server->context_, "/", &MetricsHttpServer::HandleRequest, server.get());
  return server;
}

// civetweb's accept loop notices mg_stop only when its poll() returns, which on an idle server is
// after up to 2 s (its SOCKET_TIMEOUT_QUANTUM). Connecting to the listener wakes it at once, so
// while mg_stop runs we keep connecting until it returns.
MetricsHttpServer::~MetricsHttpServer() {
  if (context_ == nullptr) return;
  std::atomic<bool> stopped{false};
  std::thread stopper([this, &stopped] {
    mg_stop(context_);
    stopped.store(true);
  });
  while (!stopped.load()) {
    ConnectOnce(host_, port_);
    absl::SleepFor(absl::Milliseconds(5));
  }
  stopper.join();
}

int MetricsHttpServer::OnCivetwebMessage(const mg_connection* connection, const char* message) {
  log::Warn("metrics_http.civetweb", {{"message", message}});
  auto* server = static_cast<MetricsHttpServer*>(mg_get_user_data(mg_get_context(connection)));
  if (server == nullptr) return 1;
  absl::MutexLock lock(&server->mu_);
  if (server->first_civetweb_message_.empty()) server->first_civetweb_message_ = message;
  return 1;  // handled: civetweb prints nothing itself
}

int MetricsHttpServer::HandleRequest(mg_connection* connection, void* self) {
  const mg_request_info* request = mg_get_request_info(connection);
  const absl::string_view method = request->request_method;
  const absl::string_view path = request->local_uri;
  if (method == "GET" && path == "/metrics") {
    SendBody(connection, kMetricsContentType,
             static_cast<MetricsHttpServer*>(self)->registry_->RenderPrometheus());
    return 200;
  }
  if (method == "GET" && path == "/healthz") {
    SendBody(connection, "text/plain; charset=utf-8", "ok");
    return 200;
  }
  mg_send_http_error(connection, 404, "%s", "not found\n");
  return 404;
}

}  // namespace sales::metrics
