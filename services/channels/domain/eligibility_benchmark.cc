// CheckOrderEligibility at the app level's scale (issue 15): an order of 20 lines against one
// of 1,000 channels, each with a price list of 10,000 SKUs, and a catalogue of 10,000 SKUs in a
// hash map. Prints the latency distribution over --orders checks (target p99 < 1 ms) and, as the
// baseline of the same run, the cost of the 20 catalogue lookups alone.
//
//   ninja -C build channels_eligibility_benchmark &&
//   build/services/channels/domain/channels_eligibility_benchmark [--orders=20000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/testing/percentiles.h"
#include "services/channels/domain/eligibility.h"
#include "services/channels/domain/test_fixtures.h"

namespace sales::channels {
namespace {

constexpr int kChannels = 1'000;
constexpr int kSkus = 10'000;
constexpr int kLines = 20;

std::string Sku(int i) { return absl::StrFormat("SKU-%05d", i); }

int Run(int orders) {
  absl::flat_hash_map<std::string, v1::Product> catalogue;
  for (int i = 0; i < kSkus; ++i) catalogue[Sku(i)] = testing::MakeProduct(Sku(i), 10'000);
  std::vector<v1::Channel> channels(kChannels);
  for (int c = 0; c < kChannels; ++c) {
    channels[c] = testing::MakeDistributor(absl::StrCat("ch-", c));
    for (int i = 0; i < kSkus; ++i) {  // sorted by SKU, one entry each
      v1::PriceListEntry& entry = *channels[c].add_price_list();
      entry.set_sku(Sku(i));
      *entry.mutable_effective_from() = ToDate(absl::CivilDay(2026, 1, 1));
      *entry.mutable_price() = testing::Cny(10'000 + (i % 7) * 10);
      entry.set_version(i + 1);
    }
  }
  const auto lookup = [&](absl::string_view sku) -> const v1::Product* {
    auto it = catalogue.find(sku);
    return it == catalogue.end() ? nullptr : &it->second;
  };
  std::mt19937 random(7);
  std::vector<double> check_micros, lookup_micros;
  int eligible = 0;
  for (int n = 0; n < orders; ++n) {
    v1::OrderCheck order;
    order.set_channel_id(absl::StrCat("ch-", random() % kChannels));
    order.set_customer_region_id("east");
    *order.mutable_date() = ToDate(absl::CivilDay(2026, 5, 20));
    for (int l = 0; l < kLines; ++l) {
      *order.add_lines() = testing::Line(Sku(static_cast<int>(random() % kSkus)), 2, 10'100);
    }
    const v1::Channel& channel = channels[random() % kChannels];
    auto start = std::chrono::steady_clock::now();
    const v1::EligibilityVerdict verdict = CheckOrderEligibility(channel, lookup, order);
    auto end = std::chrono::steady_clock::now();
    check_micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    eligible += verdict.eligible() ? 1 : 0;
    start = std::chrono::steady_clock::now();
    int found = 0;
    for (const v1::OrderCheckLine& line : order.lines()) found += lookup(line.sku()) ? 1 : 0;
    end = std::chrono::steady_clock::now();
    lookup_micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    if (found != kLines) return 1;
  }
  std::printf(
      "CheckOrderEligibility: %d orders of %d lines, %d channels x %d SKUs priced, %d eligible\n"
      "  check      p50 %.1f us  p99 %.1f us  p999 %.1f us  (target p99 < 1000 us)\n"
      "  baseline   p50 %.1f us  p99 %.1f us  (the %d catalogue lookups alone)\n",
      orders, kLines, kChannels, kSkus, eligible, sales::testing::Percentile(check_micros, 0.5),
      sales::testing::Percentile(check_micros, 0.99),
      sales::testing::Percentile(check_micros, 0.999),
      sales::testing::Percentile(lookup_micros, 0.5),
      sales::testing::Percentile(lookup_micros, 0.99), kLines);
  return 0;
}

}  // namespace
}  // namespace sales::channels

int main(int argc, char** argv) {
  int orders = 20'000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--orders=", 9) == 0) orders = std::max(1, std::atoi(argv[i] + 9));
  }
  return sales::channels::Run(orders);
}
