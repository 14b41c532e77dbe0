// CheckOrderEligibility at the app level (issue 15): orders of 20 lines through ChannelsApp on a
// real event store — the channel and the lines' products come from the aggregate caches (folded
// from RocksDB on a miss) — against the same check of the pure function on the same aggregates
// in memory, the baseline of the same run. Also prints what a SetChannelPrice costs as the
// channel's price list grows (each SKU's prices are a stream of their own: it should not grow).
// The store and the app share one memory budget, salesd's default unless --memory_budget_mb.
// With --data_dir the store is kept there, and a later run with the same sizes reuses it instead
// of writing it again (10^7 prices take a quarter of an hour to write on a 2-core machine), so
// that the check can be measured — and profiled — on its own, as often as needed.
//
//   ninja -C build channels_app_benchmark &&
//   build/services/channels/channels_app_benchmark [--channels=20] [--prices=2000]
//       [--skus=10000] [--orders=5000] [--memory_budget_mb=512] [--data_dir=/tmp/bench]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/eventstore/event_store.h"
#include "common/memory/memory_budget.h"
#include "common/testing/percentiles.h"
#include "common/testing/temp_dir.h"
#include "common/time/civil_date.h"
#include "services/channels/app/channels_app.h"
#include "services/channels/domain/eligibility.h"
#include "services/org/domain/test_org.h"

namespace sales::channels {
namespace {

constexpr int kLines = 20;
using Clock = std::chrono::steady_clock;

std::string Sku(int i) { return absl::StrFormat("SKU-%05d", i); }

double Micros(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

double Mean(const std::vector<double>& micros, size_t from, size_t to) {
  double sum = 0;
  for (size_t i = from; i < to; ++i) sum += micros[i];
  return sum / static_cast<double>(to - from);
}

common::v1::Money Cny(int64_t units) {
  common::v1::Money money;
  money.set_units(units);
  money.set_currency("CNY");
  return money;
}

template <typename Request>
Request WithMeta(Request request) {
  request.mutable_meta()->set_actor("user:bench");
  return request;
}

int Fail(const absl::Status& status, const char* what) {
  std::fprintf(stderr, "channels_app_benchmark: %s: %s\n", what, status.ToString().c_str());
  return 1;
}

// Writes the catalogue, the channels with their agreements and price lists. Returns what each
// SetChannelPrice of the last channel took, in price list order.
absl::StatusOr<std::vector<double>> WriteSetup(ChannelsApp& app, int channel_count, int prices,
                                               int skus);

struct Sizes {
  int channels;
  int prices;
  int skus;
  int orders;
};

int Run(const Sizes& sizes, size_t memory_budget_bytes, const std::string& data_dir) {
  const auto [channel_count, prices, skus, orders] = sizes;
  std::optional<sales::testing::TempDir> temp;
  if (data_dir.empty()) temp.emplace();
  const std::string dir = data_dir.empty() ? temp->path() : data_dir;
  // What a kept store was written with; a run with other sizes does not reuse it.
  const std::string stamp = absl::StrCat(dir, "/sizes-", channel_count, "x", prices, "x", skus);
  const bool reuse = std::filesystem::exists(stamp);
  if (!reuse && std::filesystem::exists(dir + "/events")) {
    std::fprintf(stderr,
                 "channels_app_benchmark: %s holds a store of other sizes, or one whose setup did "
                 "not finish: remove it or choose another --data_dir\n",
                 dir.c_str());
    return 1;
  }
  memory::MemoryBudget budget(memory_budget_bytes, nullptr);
  auto store = eventstore::EventStore::Open(
      {.path = dir + "/events", .service = "channels", .memory = &budget});
  if (!store.ok()) return Fail(store.status(), "store");
  org::StaticOrgView org(org::testing::TestOrg());
  auto app = ChannelsApp::Create({.store = store->get(),
                                  .org = &org,
                                  .read_model_path = dir + "/read-model",
                                  .memory = &budget});
  if (!app.ok()) return Fail(app.status(), "app");
  std::vector<double> set_price_micros;  // of the last channel, in price list order
  if (!reuse) {
    auto written = WriteSetup(**app, channel_count, prices, skus);
    if (!written.ok()) return Fail(written.status(), "setup");
    set_price_micros = *std::move(written);
    // Written last: a store without it (an interrupted setup) is never reused.
    if (!data_dir.empty() && !(std::ofstream(stamp) << "kept by channels_app_benchmark\n")) {
      return Fail(absl::InternalError(absl::StrCat("cannot write ", stamp)), "setup");
    }
  }

  // The baseline's inputs: every channel (with its price list, from the read model) and product
  // as the app holds them, in memory.
  if (absl::Status settled = (*app)->WaitForReadModel(absl::Minutes(5)); !settled.ok()) {
    return Fail(settled, "WaitForReadModel");
  }
  std::vector<v1::Channel> channels;
  absl::flat_hash_map<std::string, v1::Product> catalogue;
  for (int c = 0; c < channel_count; ++c) {
    v1::GetChannelRequest get;
    get.set_channel_id(absl::StrCat("ch-", c));
    auto channel = (*app)->GetChannel(get);
    if (!channel.ok()) return Fail(channel.status(), "GetChannel");
    channels.push_back(*std::move(channel));
  }
  for (int i = 0; i < skus; ++i) {
    v1::GetProductRequest get;
    get.set_sku(Sku(i));
    auto product = (*app)->GetProduct(get);
    if (!product.ok()) return Fail(product.status(), "GetProduct");
    catalogue[Sku(i)] = *std::move(product);
  }
  const auto lookup = [&](absl::string_view sku) -> const v1::Product* {
    auto it = catalogue.find(sku);
    return it == catalogue.end() ? nullptr : &it->second;
  };

  std::fprintf(stderr, "channels_app_benchmark: %s; checking %d orders\n",
               reuse ? "reusing the kept store" : "written", orders);
  std::mt19937 random(7);
  std::vector<double> app_micros, pure_micros;
  int eligible = 0;
  for (int n = 0; n < orders; ++n) {
    const int c = static_cast<int>(random() % channel_count);
    v1::OrderCheck order;
    order.set_channel_id(absl::StrCat("ch-", c));
    order.set_customer_region_id("east");
    *order.mutable_date() = ToDate(absl::CivilDay(2026, 5, 20));
    for (int l = 0; l < kLines; ++l) {
      v1::OrderCheckLine& line = *order.add_lines();
      line.set_sku(Sku(static_cast<int>(random() % prices) * (skus / prices)));
      line.set_quantity(2);
      *line.mutable_unit_price() = Cny(10'100);
    }
    auto start = Clock::now();
    auto verdict = (*app)->CheckOrderEligibility(order);
    app_micros.push_back(Micros(start));
    if (!verdict.ok()) return Fail(verdict.status(), "CheckOrderEligibility");
    eligible += verdict->eligible() ? 1 : 0;
    start = Clock::now();
    const v1::EligibilityVerdict pure = CheckOrderEligibility(channels[c], lookup, order);
    pure_micros.push_back(Micros(start));
    if (pure.eligible() != verdict->eligible()) {
      std::fprintf(stderr, "channels_app_benchmark: the app and the pure function disagree\n");
      return 1;
    }
  }
  std::printf(
      "CheckOrderEligibility: %d orders of %d lines, %d channels x %d prices, %d SKUs, %d "
      "eligible\n"
      "  app          p50 %.1f us  p99 %.1f us  p999 %.1f us  (target p99 < 1000 us)\n"
      "  pure (base)  p50 %.1f us  p99 %.1f us                 app/pure p99 = %.2f\n",
      orders, kLines, channel_count, prices, skus, eligible,
      sales::testing::Percentile(app_micros, 0.5), sales::testing::Percentile(app_micros, 0.99),
      sales::testing::Percentile(app_micros, 0.999), sales::testing::Percentile(pure_micros, 0.5),
      sales::testing::Percentile(pure_micros, 0.99),
      sales::testing::Percentile(app_micros, 0.99) / sales::testing::Percentile(pure_micros, 0.99));
  if (!set_price_micros.empty()) {  // written in this run
    const size_t window = std::min<size_t>(200, set_price_micros.size());
    const double first = Mean(set_price_micros, 0, window);
    const double last =
        Mean(set_price_micros, set_price_micros.size() - window, set_price_micros.size());
    std::printf(
        "SetChannelPrice as the price list grows: first %zu %.1f us each, last %zu %.1f us each "
        "(%.1fx)\n",
        window, first, window, last, last / first);
  }
  return 0;
}

absl::StatusOr<std::vector<double>> WriteSetup(ChannelsApp& app, int channel_count, int prices,
                                               int skus) {
  const CallOrigin origin{.correlation_id = "bench"};
  std::vector<double> set_price_micros;
  for (int i = 0; i < skus; ++i) {
    v1::AddProductRequest add;
    add.set_sku(Sku(i));
    add.set_name(Sku(i));
    add.set_product_line_id("laptops");
    add.set_margin_class(v1::MARGIN_CLASS_STANDARD);
    *add.mutable_list_price()->mutable_effective_from() = ToDate(absl::CivilDay(2026, 1, 1));
    *add.mutable_list_price()->mutable_price() = Cny(10'000);
    if (auto added = app.AddProduct(WithMeta(add), origin); !added.ok()) {
      return added.status();
    }
  }
  for (int c = 0; c < channel_count; ++c) {
    const std::string id = absl::StrCat("ch-", c);
    v1::RegisterChannelRequest reg;
    reg.set_channel_id(id);
    reg.set_name(id);
    reg.set_type(v1::CHANNEL_TYPE_DISTRIBUTOR);
    reg.mutable_partner()->set_partner_id("p-" + id);
    reg.mutable_partner()->set_name("Partner " + id);
    v1::ChangeChannelStatusRequest activate;
    activate.set_channel_id(id);
    activate.set_status(v1::CHANNEL_STATUS_ACTIVE);
    v1::AmendAgreementRequest agreement;
    agreement.set_channel_id(id);
    *agreement.mutable_effective_from() = ToDate(absl::CivilDay(2026, 1, 1));
    *agreement.mutable_terms()->mutable_term_start() = ToDate(absl::CivilDay(2026, 1, 1));
    *agreement.mutable_terms()->mutable_term_end() = ToDate(absl::CivilDay(2027, 12, 31));
    agreement.mutable_terms()->add_region_ids("east");
    agreement.mutable_terms()->add_product_line_ids("laptops");
    if (auto r = app.RegisterChannel(WithMeta(reg), origin); !r.ok()) {
      return r.status();
    }
    if (auto r = app.ChangeChannelStatus(WithMeta(activate), origin); !r.ok()) {
      return r.status();
    }
    if (auto r = app.AmendAgreement(WithMeta(agreement), origin); !r.ok()) {
      return r.status();
    }
    set_price_micros.clear();
    for (int i = 0; i < prices; ++i) {
      v1::SetChannelPriceRequest set;
      set.set_channel_id(id);
      set.set_sku(Sku(i * (skus / prices)));
      *set.mutable_effective_from() = ToDate(absl::CivilDay(2026, 2, 1));
      *set.mutable_price() = Cny(10'000 + (i % 7) * 10);
      const auto start = Clock::now();
      if (auto r = app.SetChannelPrice(WithMeta(set), origin); !r.ok()) {
        return r.status();
      }
      set_price_micros.push_back(Micros(start));
    }
  }

  return set_price_micros;
}

const char* FlagValue(int argc, char** argv, const char* name) {
  const size_t length = std::strlen(name);
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], name, length) == 0 && argv[i][length] == '=') {
      return argv[i] + length + 1;
    }
  }
  return nullptr;
}

int Flag(int argc, char** argv, const char* name, int fallback) {
  const char* value = FlagValue(argc, argv, name);
  return value == nullptr ? fallback : std::max(1, std::atoi(value));
}

}  // namespace
}  // namespace sales::channels

int main(int argc, char** argv) {
  using sales::channels::Flag;
  const int skus = Flag(argc, argv, "--skus", 10'000);
  const char* data_dir = sales::channels::FlagValue(argc, argv, "--data_dir");
  return sales::channels::Run({.channels = Flag(argc, argv, "--channels", 20),
                               .prices = std::min(skus, Flag(argc, argv, "--prices", 2'000)),
                               .skus = skus,
                               .orders = Flag(argc, argv, "--orders", 5'000)},
                              static_cast<size_t>(Flag(argc, argv, "--memory_budget_mb", 512))
                                  << 20,
                              data_dir == nullptr ? "" : data_dir);
}
