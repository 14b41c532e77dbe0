#include "services/channels/domain/eligibility.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/validation/field_validation.h"
#include "services/channels/domain/channel_rules.h"
#include "services/channels/domain/price_band.h"

namespace sales::channels {
namespace {

constexpr int kMaxLines = 1000;
constexpr int64_t kMaxQuantity = 1'000'000'000;

void AddProblem(v1::EligibilityVerdict& verdict, absl::string_view rule, int line,
                std::string detail) {
  v1::EligibilityProblem& problem = *verdict.add_problems();
  problem.set_rule(std::string(rule));
  problem.set_line(line);
  problem.set_detail(std::move(detail));
}

// The agreement rules for the order as a whole; the version in force (null when none).
const v1::AgreementVersion* CheckAgreement(const v1::Channel& channel, const v1::OrderCheck& order,
                                           absl::CivilDay day, v1::EligibilityVerdict& verdict) {
  const v1::AgreementVersion* version = AgreementOn(channel, day);
  if (version == nullptr) {
    if (channel.has_partner()) {
      AddProblem(
          verdict, "no_agreement", -1,
          absl::StrCat("channel ", Quoted(channel.channel_id()),
                       " has no partner agreement in force on ", absl::FormatCivilTime(day)));
    }
    return nullptr;
  }
  verdict.set_agreement_version(version->version());
  const v1::AgreementTerms& terms = version->terms();
  if (!WithinTerm(terms, day)) {
    AddProblem(verdict, "outside_term", -1,
               absl::StrCat(absl::FormatCivilTime(day), " is outside the term ",
                            absl::FormatCivilTime(ToCivilDay(terms.term_start())), " to ",
                            absl::FormatCivilTime(ToCivilDay(terms.term_end())),
                            " of agreement version ", version->version()));
  }
  if (!CoversRegion(terms, order.customer_region_id())) {
    AddProblem(verdict, "outside_territory", -1,
               absl::StrCat("region ", Quoted(order.customer_region_id()),
                            " is not in the territory of agreement version ", version->version()));
  }
  return version;
}

void CheckLine(const v1::Channel& channel, const v1::AgreementVersion* agreement,
               ProductLookup products, const v1::OrderCheckLine& line, int index,
               absl::CivilDay day, v1::EligibilityVerdict& verdict) {
  const v1::PriceListEntry* channel_price = ChannelPriceOn(channel, line.sku(), day);
  verdict.add_price_list_versions(channel_price != nullptr ? channel_price->version() : 0);
  const v1::Product* product = products(line.sku());
  if (product == nullptr) {
    AddProblem(verdict, "unknown_sku", index,
               absl::StrCat("SKU ", Quoted(line.sku()), " is not in the catalogue"));
    return;
  }
  if (product->retired()) {
    AddProblem(verdict, "sku_retired", index,
               absl::StrCat("SKU ", Quoted(line.sku()), " is retired"));
  }
  if (agreement != nullptr && !CoversProduct(agreement->terms(), *product)) {
    AddProblem(
        verdict, "product_out_of_scope", index,
        absl::StrCat("SKU ", Quoted(line.sku()), " (product line ",
                     Quoted(product->product_line_id()),
                     ") is outside the product scope of agreement version ", agreement->version()));
  }
  const v1::ListPrice* list = ListPriceOn(*product, day);
  if (list == nullptr) {
    AddProblem(verdict, "no_list_price", index,
               absl::StrCat("SKU ", Quoted(line.sku()), " has no list price on ",
                            absl::FormatCivilTime(day)));
    return;
  }
  if (line.unit_price().currency() != list->price().currency()) {
    AddProblem(verdict, "currency_mismatch", index,
               absl::StrCat("unit price in ", Quoted(line.unit_price().currency()),
                            ", list price in ", list->price().currency()));
    return;
  }
  const int32_t band = EffectiveBandBp(channel);
  const BandCheck check = CheckPriceBand(list->price().units(), line.unit_price().units(), band);
  if (check.within) return;
  if (EffectivePolicy(channel) == v1::PRICE_BAND_POLICY_FLAG) {
    v1::PriceFlag& flag = *verdict.add_flags();
    flag.set_line(index);
    flag.set_deviation_bp(check.deviation_bp);
    flag.set_band_bp(band);
    return;
  }
  AddProblem(verdict, "price_outside_band", index,
             absl::StrCat("unit ", OutsideBandDetail(list->price().units(),
                                                     line.unit_price().units(), band, check)));
}

}  // namespace

absl::Status ValidateOrderCheck(const v1::OrderCheck& order) {
  RETURN_IF_ERROR(ValidateId("channel_id", order.channel_id()));
  RETURN_IF_ERROR(ValidateId("customer_region_id", order.customer_region_id()));
  RETURN_IF_ERROR(ValidateDate("date", order.date()));
  if (order.lines().empty()) return InvalidField("lines", "at least one line is required");
  if (order.lines_size() > kMaxLines) {
    return InvalidField("lines", absl::StrCat("at most ", kMaxLines, " lines"));
  }
  for (int i = 0; i < order.lines_size(); ++i) {
    const v1::OrderCheckLine& line = order.lines(i);
    const std::string prefix = absl::StrCat("lines[", i, "]");
    RETURN_IF_ERROR(ValidateId(absl::StrCat(prefix, ".sku"), line.sku()));
    if (line.quantity() < 1 || line.quantity() > kMaxQuantity) {
      return InvalidField(absl::StrCat(prefix, ".quantity"),
                          absl::StrCat("must be 1 to ", kMaxQuantity));
    }
    RETURN_IF_ERROR(ValidateMoney(absl::StrCat(prefix, ".unit_price"), line.unit_price()));
  }
  return absl::OkStatus();
}

v1::EligibilityVerdict CheckOrderEligibility(const v1::Channel& channel, ProductLookup products,
                                             const v1::OrderCheck& order) {
  v1::EligibilityVerdict verdict;
  const absl::CivilDay day = ToCivilDay(order.date());
  if (channel.status() != v1::CHANNEL_STATUS_ACTIVE) {
    AddProblem(verdict, "channel_not_active", -1,
               absl::StrCat("channel ", Quoted(channel.channel_id()), " is ",
                            v1::ChannelStatus_Name(channel.status())));
  }
  const v1::AgreementVersion* agreement = CheckAgreement(channel, order, day, verdict);
  for (int i = 0; i < order.lines_size(); ++i) {
    CheckLine(channel, agreement, products, order.lines(i), i, day, verdict);
  }
  verdict.set_eligible(verdict.problems().empty());
  return verdict;
}

}  // namespace sales::channels
