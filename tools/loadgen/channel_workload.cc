#include "tools/loadgen/channel_workload.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "tools/loadgen/rpc_calls.h"

namespace sales::loadgen {
namespace {

namespace v1 = ::sales::channels::v1;
using Stub = v1::ChannelService::Stub;

constexpr int kChannelsPerClient = 2;
constexpr int kCustomers = 500;  // the pool every client's claims draw from
constexpr int kOrderLines = 10;
constexpr int64_t kListPriceUnits = 1'000'000;  // 10,000.00 CNY

common::v1::Money Cny(int64_t units) {
  common::v1::Money money;
  money.set_units(units);
  money.set_currency("CNY");
  return money;
}

common::v1::Date Today() { return ToDate(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())); }

}  // namespace

absl::StatusOr<Catalogue> SetUpCatalogue(Stub& stub, const Organisation& org, int skus) {
  Catalogue catalogue{.list_price_units = kListPriceUnits};
  for (int i = 0; i < skus; ++i) {
    v1::AddProductRequest add;
    add.set_sku(absl::StrCat(org.prefix, "-SKU-", i));
    add.set_name(add.sku());
    add.set_product_line_id(org.product_lines[i % org.product_lines.size()]);
    add.set_margin_class(i % 3 == 0 ? v1::MARGIN_CLASS_HIGH : v1::MARGIN_CLASS_STANDARD);
    *add.mutable_list_price()->mutable_effective_from() = ToDate(absl::CivilDay(2025, 1, 1));
    *add.mutable_list_price()->mutable_price() = Cny(kListPriceUnits);
    catalogue.skus.push_back(add.sku());
    const std::string sku = add.sku();
    RETURN_IF_ERROR(SetupCall(stub, &Stub::AddProduct, std::move(add), sku));
  }
  return catalogue;
}

ChannelClient::ChannelClient(Stub* stub, const Organisation& org, const Catalogue& catalogue,
                             int client_index)
    : stub_(stub),
      org_(org),
      catalogue_(catalogue),
      client_index_(client_index),
      random_(client_index + 1) {}

absl::Status ChannelClient::SetUp() {
  for (int k = 0; k < kChannelsPerClient; ++k) {
    const std::string id = absl::StrCat(org_.prefix, "-ch-", client_index_, "-", k);
    v1::RegisterChannelRequest reg;
    reg.set_channel_id(id);
    reg.set_name(id);
    reg.set_type(v1::CHANNEL_TYPE_DISTRIBUTOR);
    reg.mutable_partner()->set_partner_id(absl::StrCat(id, "-partner"));
    reg.mutable_partner()->set_name(absl::StrCat("Partner of ", id));
    reg.set_price_band_policy(v1::PRICE_BAND_POLICY_FLAG);
    RETURN_IF_ERROR(SetupCall(*stub_, &Stub::RegisterChannel, std::move(reg), id));
    v1::ChangeChannelStatusRequest activate;
    activate.set_channel_id(id);
    activate.set_status(v1::CHANNEL_STATUS_ACTIVE);
    RETURN_IF_ERROR(
        SetupCall(*stub_, &Stub::ChangeChannelStatus, std::move(activate), id + "-active"));
    v1::AmendAgreementRequest agreement;
    agreement.set_channel_id(id);
    *agreement.mutable_effective_from() = ToDate(absl::CivilDay(2025, 1, 1));
    v1::AgreementTerms& terms = *agreement.mutable_terms();
    *terms.mutable_term_start() = ToDate(absl::CivilDay(2025, 1, 1));
    *terms.mutable_term_end() = ToDate(absl::CivilDay(2030, 12, 31));
    for (const std::string& region : org_.regions) terms.add_region_ids(region);
    for (const std::string& line : org_.product_lines) terms.add_product_line_ids(line);
    terms.set_partner_margin_bp(1'500);
    RETURN_IF_ERROR(
        SetupCall(*stub_, &Stub::AmendAgreement, std::move(agreement), id + "-agreement"));
    channels_.push_back(id);
  }
  return absl::OkStatus();
}

CallOutcome ChannelClient::RunNext() {
  const int dice = Uniform(0, 99);
  if (dice < 40) return CheckOrder();
  if (dice < 65) return SetPrice();
  if (dice < 85) return Claim();
  if (dice < 95) return GetChannel();
  return RecordEnablement();
}

CallOutcome ChannelClient::CheckOrder() {
  v1::OrderCheck order;
  order.set_channel_id(Channel());
  order.set_customer_region_id(org_.regions[Uniform(0, static_cast<int>(org_.regions.size()) - 1)]);
  *order.mutable_date() = Today();
  for (int i = 0; i < kOrderLines; ++i) {
    v1::OrderCheckLine& line = *order.add_lines();
    line.set_sku(catalogue_.skus[Uniform(0, static_cast<int>(catalogue_.skus.size()) - 1)]);
    line.set_quantity(Uniform(1, 50));
    *line.mutable_unit_price() = Cny(PriceAround(3));
  }
  v1::EligibilityVerdict verdict;
  return Send("CheckOrderEligibility", &Stub::CheckOrderEligibility, order, &verdict);
}

CallOutcome ChannelClient::SetPrice() {
  v1::SetChannelPriceRequest request;
  Stamp(request);
  request.set_channel_id(Channel());
  request.set_sku(catalogue_.skus[Uniform(0, static_cast<int>(catalogue_.skus.size()) - 1)]);
  *request.mutable_effective_from() =
      ToDate(absl::CivilDay(2026, 1, 1) + int64_t{30} * Uniform(0, 3));
  *request.mutable_price() = Cny(PriceAround(10));
  v1::ChannelsCommandResponse response;
  return Send("SetChannelPrice", &Stub::SetChannelPrice, request, &response);
}

CallOutcome ChannelClient::Claim() {
  const std::string& channel = Channel();
  int customer = Uniform(0, kCustomers - 1);
  for (int tries = 0; claimed_.contains({channel, customer}) && tries < kCustomers; ++tries) {
    customer = (customer + 1) % kCustomers;
  }
  claimed_.insert({channel, customer});
  v1::ClaimRequest request;
  Stamp(request);
  request.mutable_subject()->set_kind(v1::CLAIM_SUBJECT_KIND_CUSTOMER);
  request.mutable_subject()->set_id(absl::StrCat(org_.prefix, "-cust-", customer));
  request.set_channel_id(channel);
  request.add_region_ids(org_.regions[Uniform(0, static_cast<int>(org_.regions.size()) - 1)]);
  v1::ClaimResponse response;
  return Send("Claim", &Stub::Claim, request, &response);
}

CallOutcome ChannelClient::GetChannel() {
  v1::GetChannelRequest request;
  request.set_channel_id(Channel());
  v1::Channel response;
  return Send("GetChannel", &Stub::GetChannel, request, &response);
}

CallOutcome ChannelClient::RecordEnablement() {
  v1::RecordEnablementRequest request;
  Stamp(request);
  request.set_channel_id(Channel());
  request.set_kind(v1::ENABLEMENT_KIND_TRAINING);
  *request.mutable_date() = Today();
  request.set_topic("product training");
  request.add_attendees("trainee");
  v1::ChannelsCommandResponse response;
  return Send("RecordEnablement", &Stub::RecordEnablement, request, &response);
}

template <typename Request>
void ChannelClient::Stamp(Request& request) {
  loadgen::Stamp(request, absl::StrCat(org_.prefix, "-c", client_index_, "-k", commands_sent_++));
}

template <typename Request, typename Response>
CallOutcome ChannelClient::Send(const char* kind,
                                grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request, Response* response) {
  return TimedCall(*stub_, kind, method, request, response);
}

int ChannelClient::Uniform(int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(random_);
}

const std::string& ChannelClient::Channel() {
  return channels_[static_cast<size_t>(Uniform(0, static_cast<int>(channels_.size()) - 1))];
}

int64_t ChannelClient::PriceAround(int percent) {
  return catalogue_.list_price_units * (100 + Uniform(-percent, percent)) / 100;
}

}  // namespace sales::loadgen
