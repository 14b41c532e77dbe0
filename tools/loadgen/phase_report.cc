#include "tools/loadgen/phase_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace sales::loadgen {
namespace {

std::string Ms(double ms) { return absl::StrFormat("%.3f", ms); }

}  // namespace

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target,
                                                         const std::string& mode, int clients) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  const int count = mode == "shared" ? 1 : clients;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    if (mode != "shared") args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

void AddRows(salesctl::TablePrinter& table, const std::string& mode, const PhaseResult& phase,
             const std::string& total_name) {
  const double seconds = absl::ToDoubleSeconds(phase.measured);
  auto add = [&](const std::string& kind, const KindSummary& s, int64_t errors) {
    table.AddRow({mode, kind, absl::StrCat(s.count),
                  absl::StrFormat("%.0f", seconds > 0 ? static_cast<double>(s.count) / seconds : 0),
                  Ms(s.p50_ms), Ms(s.p99_ms), Ms(s.p999_ms), absl::StrCat(errors)});
  };
  std::vector<std::string> kinds = phase.stats.Kinds();
  for (const std::string& kind : kinds) {
    int64_t errors = 0;
    for (const auto& [key, count] : phase.stats.errors()) {
      if (key.first == kind) errors += count;
    }
    add(kind, phase.stats.Summarize(kind), errors);
  }
  if (kinds.size() > 1) add(total_name, phase.stats.SummarizeAll(), phase.stats.error_count());
}

void AddErrorRows(salesctl::TablePrinter& errors, const std::string& mode,
                  const std::string& phase_name, const PhaseResult& phase) {
  for (const auto& [key, count] : phase.stats.errors()) {
    errors.AddRow({mode, phase_name, key.first, absl::StrCat(static_cast<int>(key.second)),
                   absl::StrCat(count)});
  }
}

}  // namespace sales::loadgen
