// The `salesctl channels …` and `salesctl catalog …` commands (sales.channels.v1.ChannelService).
#include "services/channels/cli/channels_commands.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/channels/v1/channels.grpc.pb.h"
#include "tools/salesctl/flag_values.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::channels::v1;
using Stub = v1::ChannelService::Stub;

template <typename Request, typename Response>
absl::StatusOr<Response> Call(Session& session,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  return CallService<v1::ChannelService>(session, method, request);
}

template <typename Request>
absl::Status SendCommand(Session& session,
                         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                      v1::ChannelsCommandResponse*),
                         const Request& request, absl::string_view done) {
  ASSIGN_OR_RETURN(v1::ChannelsCommandResponse response, Call(session, method, request));
  if (session.json) return PrintJson(session, response);
  *session.out << done << "; stream at version " << response.stream_version() << "\n";
  return absl::OkStatus();
}

// --- Parsing flags ---

template <typename Enum>
std::string Name(Enum value, const google::protobuf::EnumDescriptor& descriptor) {
  return EnumShortName(descriptor, static_cast<int>(value));
}

std::vector<std::string> ListFlag(const CommandArgs& args, absl::string_view flag) {
  const std::string text = args.Get(flag);
  if (text.empty()) return {};
  return absl::StrSplit(text, ',', absl::SkipWhitespace());
}

// --customer ID or --lead ID (exactly one).
absl::StatusOr<v1::ClaimSubject> SubjectFlags(const CommandArgs& args) {
  v1::ClaimSubject subject;
  if (args.Has("customer") == args.Has("lead")) {
    return InvalidField("--customer/--lead", "give exactly one of them");
  }
  subject.set_kind(args.Has("customer") ? v1::CLAIM_SUBJECT_KIND_CUSTOMER
                                        : v1::CLAIM_SUBJECT_KIND_LEAD);
  subject.set_id(args.Get(args.Has("customer") ? "customer" : "lead"));
  return subject;
}

std::vector<FlagSpec> WithSubjectFlags(std::vector<FlagSpec> flags) {
  flags.push_back({.name = "customer", .help = "the customer id (or --lead)"});
  flags.push_back({.name = "lead", .help = "the lead id (or --customer)"});
  return flags;
}

std::string Bp(int32_t basis_points) {
  return absl::StrFormat("%s%d.%02d%%", basis_points < 0 ? "-" : "", std::abs(basis_points) / 100,
                         std::abs(basis_points) % 100);
}

std::string Band(int32_t band_bp) { return absl::StrCat("±", Bp(band_bp == 0 ? 500 : band_bp)); }

std::string Subject(const v1::ClaimSubject& subject) {
  return absl::StrCat(Name(subject.kind(), *v1::ClaimSubjectKind_descriptor()), " ", subject.id());
}

std::string Age(const google::protobuf::Duration& age) {
  const int64_t hours = age.seconds() / 3600;
  return hours >= 48 ? absl::StrCat(hours / 24, "d") : absl::StrCat(hours, "h");
}

std::string Territory(const v1::AgreementTerms& terms) {
  return absl::StrJoin(terms.region_ids(), ",");
}

std::string Scope(const v1::AgreementTerms& terms) {
  std::vector<std::string> scope(terms.product_line_ids().begin(), terms.product_line_ids().end());
  scope.insert(scope.end(), terms.skus().begin(), terms.skus().end());
  return absl::StrJoin(scope, ",");
}

// --- channels ---

absl::Status ListChannels(Session& session, const CommandArgs& args) {
  v1::ListChannelsRequest request;
  ASSIGN_OR_RETURN(auto type,
                   EnumFlag<v1::ChannelType>(args, "type", *v1::ChannelType_descriptor()));
  ASSIGN_OR_RETURN(auto status,
                   EnumFlag<v1::ChannelStatus>(args, "status", *v1::ChannelStatus_descriptor()));
  request.set_type(type);
  request.set_status(status);
  request.set_partner_id(args.Get("partner"));
  request.set_region_id(args.Get("region"));
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::ListChannelsResponse response, Call(session, &Stub::ListChannels, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"CHANNEL", "NAME", "TYPE", "STATUS", "PARTNER", "BAND", "POLICY", "AGREEMENT",
                      "PRICES", "FLAGGED"});
  for (const v1::ChannelListItem& item : response.channels()) {
    const v1::Channel& channel = item.channel();
    std::string agreement = "-";
    if (channel.agreements_size() > 0) {
      const v1::AgreementVersion& latest = *channel.agreements().rbegin();
      agreement = absl::StrCat("v", latest.version(), " ", Territory(latest.terms()));
    }
    table.AddRow({channel.channel_id(), channel.name(),
                  Name(channel.type(), *v1::ChannelType_descriptor()),
                  Name(channel.status(), *v1::ChannelStatus_descriptor()),
                  OrDash(channel.partner().partner_id()), Band(channel.price_band_bp()),
                  Name(channel.price_band_policy(), *v1::PriceBandPolicy_descriptor()), agreement,
                  absl::StrCat(item.price_list_entries()), absl::StrCat(item.flagged_prices())});
  }
  *session.out << table.Render() << response.channels_size() << " channels\n";
  PrintMore(session, response.next_page_token());
  return absl::OkStatus();
}

absl::Status GetChannel(Session& session, const CommandArgs& args) {
  v1::GetChannelRequest request;
  request.set_channel_id(args.Get("channel"));
  ASSIGN_OR_RETURN(v1::Channel channel, Call(session, &Stub::GetChannel, request));
  if (session.json) return PrintJson(session, channel);
  std::ostream& out = *session.out;
  out << channel.channel_id() << "  " << channel.name() << "\n"
      << "type     " << Name(channel.type(), *v1::ChannelType_descriptor()) << "\n"
      << "status   " << Name(channel.status(), *v1::ChannelStatus_descriptor())
      << (channel.status_reason().empty() ? "" : absl::StrCat(" (", channel.status_reason(), ")"))
      << "\n"
      << "partner  "
      << (channel.has_partner()
              ? absl::StrCat(channel.partner().partner_id(), " ", channel.partner().name())
              : "-")
      << "\n"
      << "band     " << Band(channel.price_band_bp()) << ", "
      << Name(channel.price_band_policy(), *v1::PriceBandPolicy_descriptor()) << "\n";
  TablePrinter agreements(
      {"VERSION", "FROM", "TERM", "TERRITORY", "SCOPE", "MARGIN", "REBATE", "MINIMUM", "REASON"});
  for (const v1::AgreementVersion& version : channel.agreements()) {
    const v1::AgreementTerms& terms = version.terms();
    agreements.AddRow(
        {absl::StrCat(version.version()), FormatDate(version.effective_from()),
         absl::StrCat(FormatDate(terms.term_start()), "..", FormatDate(terms.term_end())),
         Territory(terms), Scope(terms), Bp(terms.partner_margin_bp()), Bp(terms.rebate_bp()),
         terms.has_minimum_volume()
             ? absl::StrCat(FormatMoney(terms.minimum_volume()), "/",
                            Name(terms.minimum_volume_period(), *v1::VolumePeriod_descriptor()))
             : "-",
         OrDash(version.reason())});
  }
  out << "\nagreements\n" << agreements.Render();
  TablePrinter prices({"SKU", "FROM", "PRICE", "VERSION", "FLAGGED"});
  for (const v1::PriceListEntry& entry : channel.price_list()) {
    prices.AddRow({entry.sku(), FormatDate(entry.effective_from()), FormatMoney(entry.price()),
                   absl::StrCat(entry.version()), entry.flagged() ? "yes" : ""});
  }
  out << "\nprice list\n" << prices.Render();
  TablePrinter enablement({"RECORD", "KIND", "DATE", "TOPIC", "ATTENDEES", "OUTCOME"});
  for (const v1::EnablementRecord& record : channel.enablement()) {
    enablement.AddRow({record.record_id(), Name(record.kind(), *v1::EnablementKind_descriptor()),
                       FormatDate(record.date()), record.topic(),
                       absl::StrJoin(record.attendees(), ", "), OrDash(record.outcome())});
  }
  out << "\nenablement\n" << enablement.Render();
  return absl::OkStatus();
}

absl::Status Register(Session& session, const CommandArgs& args) {
  v1::RegisterChannelRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_channel_id(args.Get("id"));
  request.set_name(args.Get("name"));
  ASSIGN_OR_RETURN(auto type,
                   EnumFlag<v1::ChannelType>(args, "type", *v1::ChannelType_descriptor()));
  request.set_type(type);
  if (args.Has("partner-id") || args.Has("partner-name")) {
    request.mutable_partner()->set_partner_id(args.Get("partner-id"));
    request.mutable_partner()->set_name(args.Get("partner-name"));
  }
  ASSIGN_OR_RETURN(int32_t band, Int32Flag(args, "band-bp"));
  request.set_price_band_bp(band);
  ASSIGN_OR_RETURN(auto policy, EnumFlag<v1::PriceBandPolicy>(args, "policy",
                                                              *v1::PriceBandPolicy_descriptor()));
  request.set_price_band_policy(policy);
  return SendCommand(session, &Stub::RegisterChannel, request, "channel registered (onboarding)");
}

absl::Status SetStatus(Session& session, const CommandArgs& args) {
  v1::ChangeChannelStatusRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_channel_id(args.Get("id"));
  ASSIGN_OR_RETURN(auto status,
                   EnumFlag<v1::ChannelStatus>(args, "status", *v1::ChannelStatus_descriptor()));
  request.set_status(status);
  request.set_reason(args.Get("reason"));
  return SendCommand(session, &Stub::ChangeChannelStatus, request, "status changed");
}

absl::Status SetBand(Session& session, const CommandArgs& args) {
  v1::SetPriceBandRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_channel_id(args.Get("id"));
  ASSIGN_OR_RETURN(int32_t band, Int32Flag(args, "band-bp"));
  request.set_price_band_bp(band);
  ASSIGN_OR_RETURN(auto policy, EnumFlag<v1::PriceBandPolicy>(args, "policy",
                                                              *v1::PriceBandPolicy_descriptor()));
  request.set_price_band_policy(policy);
  return SendCommand(session, &Stub::SetPriceBand, request, "price band set");
}

absl::Status Amend(Session& session, const CommandArgs& args) {
  v1::AmendAgreementRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_channel_id(args.Get("id"));
  ASSIGN_OR_RETURN(*request.mutable_effective_from(), DateFlag(args, "effective-from"));
  request.set_reason(args.Get("reason"));
  v1::AgreementTerms& terms = *request.mutable_terms();
  ASSIGN_OR_RETURN(*terms.mutable_term_start(), DateFlag(args, "term-start"));
  ASSIGN_OR_RETURN(*terms.mutable_term_end(), DateFlag(args, "term-end"));
  for (std::string& region : ListFlag(args, "regions")) terms.add_region_ids(std::move(region));
  for (std::string& line : ListFlag(args, "product-lines")) {
    terms.add_product_line_ids(std::move(line));
  }
  for (std::string& sku : ListFlag(args, "skus")) terms.add_skus(std::move(sku));
  ASSIGN_OR_RETURN(int32_t margin, Int32Flag(args, "margin-bp"));
  ASSIGN_OR_RETURN(int32_t rebate, Int32Flag(args, "rebate-bp"));
  terms.set_partner_margin_bp(margin);
  terms.set_rebate_bp(rebate);
  if (args.Has("minimum-volume")) {
    ASSIGN_OR_RETURN(*terms.mutable_minimum_volume(), MoneyFlag(args, "minimum-volume"));
    ASSIGN_OR_RETURN(auto period,
                     EnumFlag<v1::VolumePeriod>(args, "period", *v1::VolumePeriod_descriptor()));
    terms.set_minimum_volume_period(period);
  }
  return SendCommand(session, &Stub::AmendAgreement, request, "agreement version recorded");
}

absl::Status SetPrice(Session& session, const CommandArgs& args) {
  v1::SetChannelPriceRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_channel_id(args.Get("id"));
  request.set_sku(args.Get("sku"));
  ASSIGN_OR_RETURN(*request.mutable_effective_from(), DateFlag(args, "effective-from"));
  ASSIGN_OR_RETURN(*request.mutable_price(), MoneyFlag(args, "price"));
  return SendCommand(session, &Stub::SetChannelPrice, request, "price set");
}

absl::Status RecordEnablement(Session& session, const CommandArgs& args) {
  v1::RecordEnablementRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_channel_id(args.Get("id"));
  ASSIGN_OR_RETURN(auto kind,
                   EnumFlag<v1::EnablementKind>(args, "kind", *v1::EnablementKind_descriptor()));
  request.set_kind(kind);
  ASSIGN_OR_RETURN(*request.mutable_date(), DateFlag(args, "date"));
  request.set_topic(args.Get("topic"));
  for (std::string& name : ListFlag(args, "attendees")) request.add_attendees(std::move(name));
  request.set_outcome(args.Get("outcome"));
  return SendCommand(session, &Stub::RecordEnablement, request, "enablement recorded");
}

absl::Status Flagged(Session& session, const CommandArgs& args) {
  v1::ListFlaggedPricesRequest request;
  request.set_channel_id(args.Get("channel"));
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::ListFlaggedPricesResponse response,
                   Call(session, &Stub::ListFlaggedPrices, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"CHANNEL", "SKU", "FROM", "PRICE", "LIST PRICE", "DEVIATION", "BAND"});
  for (const v1::FlaggedPrice& flagged : response.prices()) {
    const v1::PriceBandViolationFlagged& flag = flagged.flag();
    table.AddRow({flagged.channel_id(), flag.sku(), FormatDate(flag.effective_from()),
                  FormatMoney(flag.price()), FormatMoney(flag.list_price()),
                  Bp(flag.deviation_bp()), Band(flag.band_bp())});
  }
  *session.out << table.Render() << response.prices_size()
               << " prices accepted outside their band\n";
  PrintMore(session, response.next_page_token());
  return absl::OkStatus();
}

absl::Status Claim(Session& session, const CommandArgs& args) {
  v1::ClaimRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  ASSIGN_OR_RETURN(*request.mutable_subject(), SubjectFlags(args));
  request.set_channel_id(args.Get("channel"));
  for (std::string& region : ListFlag(args, "regions")) request.add_region_ids(std::move(region));
  ASSIGN_OR_RETURN(int32_t days, Int32Flag(args, "exclusivity-days"));
  request.set_exclusivity_days(days);
  request.set_deal_id(args.Get("deal"));
  ASSIGN_OR_RETURN(v1::ClaimResponse response, Call(session, &Stub::Claim, request));
  if (session.json) return PrintJson(session, response);
  *session.out << response.claim_id() << " registered; stream at version "
               << response.stream_version() << "\n";
  if (response.conflict_ids_size() > 0) {
    *session.out << "CONFLICT: " << absl::StrJoin(response.conflict_ids(), ", ")
                 << " raised with another channel's active claim\n";
  }
  return absl::OkStatus();
}

absl::Status Claims(Session& session, const CommandArgs& args) {
  v1::GetClaimsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_subject(), SubjectFlags(args));
  ASSIGN_OR_RETURN(v1::ClaimLedger ledger, Call(session, &Stub::GetClaims, request));
  if (session.json) return PrintJson(session, ledger);
  TablePrinter claims({"CLAIM", "CHANNEL", "TERRITORY", "CLAIMED", "EXPIRES", "STATUS", "DEAL"});
  for (const v1::Claim& claim : ledger.claims()) {
    claims.AddRow({claim.claim_id(), claim.channel_id(), absl::StrJoin(claim.region_ids(), ","),
                   FormatTime(claim.claimed_at(), session.zone.zone),
                   FormatTime(claim.expires_at(), session.zone.zone),
                   Name(claim.status(), *v1::ClaimStatus_descriptor()), OrDash(claim.deal_id())});
  }
  *session.out << claims.Render();
  TablePrinter conflicts({"CONFLICT", "CLAIMS", "STATUS", "RAISED", "WINNER", "REASON"});
  for (const v1::Conflict& conflict : ledger.conflicts()) {
    conflicts.AddRow({conflict.conflict_id(), absl::StrJoin(conflict.claim_ids(), " vs "),
                      Name(conflict.status(), *v1::ConflictStatus_descriptor()),
                      FormatTime(conflict.raised_at(), session.zone.zone),
                      OrDash(conflict.winner_channel_id()), OrDash(conflict.reason())});
  }
  if (ledger.conflicts_size() > 0) *session.out << "\n" << conflicts.Render();
  *session.out << ledger.claims_size() << " claims, " << ledger.conflicts_size()
               << " conflicts; times in " << session.zone.name << "\n";
  return absl::OkStatus();
}

absl::Status Conflicts(Session& session, const CommandArgs& args) {
  v1::ListConflictsRequest request;
  ASSIGN_OR_RETURN(auto status,
                   EnumFlag<v1::ConflictStatus>(args, "status", *v1::ConflictStatus_descriptor()));
  request.set_status(status);
  request.set_channel_id(args.Get("channel"));
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::ListConflictsResponse response,
                   Call(session, &Stub::ListConflicts, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table(
      {"SUBJECT", "CONFLICT", "STATUS", "CHANNELS", "TERRITORY", "AGE", "WINNER", "DEAL"});
  for (const v1::ConflictView& view : response.conflicts()) {
    std::vector<std::string> channels;
    std::vector<std::string> regions;
    for (const v1::Claim& claim : view.claims()) {
      channels.push_back(claim.channel_id());
      regions.push_back(absl::StrJoin(claim.region_ids(), ","));
    }
    table.AddRow({Subject(view.subject()), view.conflict().conflict_id(),
                  Name(view.conflict().status(), *v1::ConflictStatus_descriptor()),
                  absl::StrJoin(channels, " vs "), absl::StrJoin(regions, " / "), Age(view.age()),
                  OrDash(view.conflict().winner_channel_id()), OrDash(view.deal_id())});
  }
  *session.out << table.Render() << response.conflicts_size() << " conflicts\n";
  PrintMore(session, response.next_page_token());
  return absl::OkStatus();
}

absl::Status Resolve(Session& session, const CommandArgs& args) {
  v1::ResolveConflictRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  ASSIGN_OR_RETURN(*request.mutable_subject(), SubjectFlags(args));
  request.set_conflict_id(args.Get("conflict"));
  request.set_winner_channel_id(args.Get("winner"));
  request.set_reason(args.Get("reason"));
  return SendCommand(session, &Stub::ResolveConflict, request, "conflict resolved");
}

absl::Status Withdraw(Session& session, const CommandArgs& args) {
  v1::WithdrawClaimRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  ASSIGN_OR_RETURN(*request.mutable_subject(), SubjectFlags(args));
  request.set_claim_id(args.Get("claim"));
  request.set_reason(args.Get("reason"));
  return SendCommand(session, &Stub::WithdrawClaim, request, "claim withdrawn");
}

// "SKU:QTY:PRICE,…" → order lines.
absl::Status ParseLines(const CommandArgs& args, v1::OrderCheck& order) {
  for (absl::string_view text : absl::StrSplit(args.Get("lines"), ',', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(text, ':');
    int64_t quantity = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &quantity)) {
      return InvalidField("--lines", absl::StrCat("\"", text, "\" is not SKU:QUANTITY:UNIT_PRICE"));
    }
    v1::OrderCheckLine& line = *order.add_lines();
    line.set_sku(parts[0]);
    line.set_quantity(quantity);
    const std::string currency = args.Has("currency") ? args.Get("currency") : kDefaultCurrency;
    ASSIGN_OR_RETURN(*line.mutable_unit_price(), ParseMoney(parts[2], currency, "--lines"));
  }
  return absl::OkStatus();
}

absl::Status Check(Session& session, const CommandArgs& args) {
  v1::OrderCheck order;
  order.set_channel_id(args.Get("channel"));
  order.set_customer_region_id(args.Get("region"));
  ASSIGN_OR_RETURN(*order.mutable_date(), DateFlag(args, "date"));
  RETURN_IF_ERROR(ParseLines(args, order));
  ASSIGN_OR_RETURN(v1::EligibilityVerdict verdict,
                   Call(session, &Stub::CheckOrderEligibility, order));
  if (session.json) return PrintJson(session, verdict);
  *session.out << (verdict.eligible() ? "eligible" : "NOT eligible") << "; agreement version "
               << verdict.agreement_version() << ", price list versions "
               << absl::StrJoin(verdict.price_list_versions(), ",") << "\n";
  // LINE counts the --lines from 1 as a reader does (the API's `line` is an index from 0).
  TablePrinter problems({"LINE", "RULE", "DETAIL"});
  for (const v1::EligibilityProblem& problem : verdict.problems()) {
    problems.AddRow({problem.line() < 0 ? "order" : absl::StrCat(problem.line() + 1),
                     problem.rule(), problem.detail()});
  }
  for (const v1::PriceFlag& flag : verdict.flags()) {
    problems.AddRow(
        {absl::StrCat(flag.line() + 1), "flagged",
         absl::StrCat(Bp(flag.deviation_bp()), " from list, outside ", Band(flag.band_bp()))});
  }
  if (verdict.problems_size() + verdict.flags_size() > 0) *session.out << problems.Render();
  return absl::OkStatus();
}

// --- catalog ---

std::string CurrentListPrice(const v1::Product& product) {
  return product.list_prices().empty() ? "-" : FormatMoney(product.list_prices().rbegin()->price());
}

absl::Status ListProducts(Session& session, const CommandArgs& args) {
  v1::ListProductsRequest request;
  request.set_product_line_id(args.Get("product-line"));
  ASSIGN_OR_RETURN(auto margin,
                   EnumFlag<v1::MarginClass>(args, "margin-class", *v1::MarginClass_descriptor()));
  request.set_margin_class(margin);
  request.set_include_retired(args.Has("include-retired"));
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::ListProductsResponse response, Call(session, &Stub::ListProducts, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"SKU", "NAME", "PRODUCT LINE", "MARGIN", "LIST PRICE", "FROM", "STATUS"});
  for (const v1::Product& product : response.products()) {
    table.AddRow({product.sku(), product.name(), product.product_line_id(),
                  Name(product.margin_class(), *v1::MarginClass_descriptor()),
                  CurrentListPrice(product),
                  product.list_prices().empty()
                      ? "-"
                      : FormatDate(product.list_prices().rbegin()->effective_from()),
                  product.retired() ? "retired" : "active"});
  }
  *session.out << table.Render() << response.products_size() << " products\n";
  PrintMore(session, response.next_page_token());
  return absl::OkStatus();
}

absl::Status GetProduct(Session& session, const CommandArgs& args) {
  v1::GetProductRequest request;
  request.set_sku(args.Get("sku"));
  ASSIGN_OR_RETURN(v1::Product product, Call(session, &Stub::GetProduct, request));
  if (session.json) return PrintJson(session, product);
  *session.out << product.sku() << "  " << product.name() << "\n"
               << "product line  " << product.product_line_id() << "\n"
               << "margin class  " << Name(product.margin_class(), *v1::MarginClass_descriptor())
               << "\n"
               << "status        " << (product.retired() ? "retired" : "active") << "\n\n";
  TablePrinter prices({"FROM", "LIST PRICE"});
  for (const v1::ListPrice& price : product.list_prices()) {
    prices.AddRow({FormatDate(price.effective_from()), FormatMoney(price.price())});
  }
  *session.out << prices.Render();
  return absl::OkStatus();
}

absl::Status AddProduct(Session& session, const CommandArgs& args) {
  v1::AddProductRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_sku(args.Get("sku"));
  request.set_name(args.Get("name"));
  request.set_product_line_id(args.Get("product-line"));
  ASSIGN_OR_RETURN(auto margin,
                   EnumFlag<v1::MarginClass>(args, "margin-class", *v1::MarginClass_descriptor()));
  request.set_margin_class(margin);
  ASSIGN_OR_RETURN(*request.mutable_list_price()->mutable_price(), MoneyFlag(args, "list-price"));
  ASSIGN_OR_RETURN(*request.mutable_list_price()->mutable_effective_from(),
                   DateFlag(args, "effective-from"));
  return SendCommand(session, &Stub::AddProduct, request, "product added");
}

absl::Status ChangeListPrice(Session& session, const CommandArgs& args) {
  v1::ChangeListPriceRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_sku(args.Get("sku"));
  ASSIGN_OR_RETURN(*request.mutable_list_price()->mutable_price(), MoneyFlag(args, "list-price"));
  ASSIGN_OR_RETURN(*request.mutable_list_price()->mutable_effective_from(),
                   DateFlag(args, "effective-from"));
  return SendCommand(session, &Stub::ChangeListPrice, request, "list price changed");
}

absl::Status Retire(Session& session, const CommandArgs& args) {
  v1::RetireProductRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_sku(args.Get("sku"));
  request.set_reason(args.Get("reason"));
  return SendCommand(session, &Stub::RetireProduct, request, "product retired");
}

absl::Status Consistency(Session& session, const CommandArgs& args) {
  v1::GetPriceConsistencyRequest request;
  request.set_sku(args.Get("sku"));
  if (args.Has("date")) {
    ASSIGN_OR_RETURN(*request.mutable_date(), DateFlag(args, "date"));
  }
  request.set_violations_only(args.Has("violations-only"));
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::PriceConsistencyReport report,
                   Call(session, &Stub::GetPriceConsistency, request));
  if (session.json) return PrintJson(session, report);
  TablePrinter table(
      {"SKU", "LIST PRICE", "CHANNEL", "PRICE", "DEVIATION", "WITHIN BAND", "FLAGGED"});
  for (const v1::SkuPriceConsistency& row : report.skus()) {
    for (const v1::ChannelPriceView& channel : row.channels()) {
      table.AddRow({row.sku(), FormatMoney(row.list_price()), channel.channel_id(),
                    FormatMoney(channel.price()), Bp(channel.deviation_bp()),
                    channel.within_band() ? "yes" : "NO", channel.flagged() ? "yes" : ""});
    }
    table.AddRow({row.sku(), "", "spread",
                  absl::StrCat(FormatMoney(row.spread()), " (", Bp(row.spread_bp()), ")"),
                  absl::StrCat(FormatMoney(row.lowest()), "..", FormatMoney(row.highest())),
                  absl::StrCat(row.violations(), " outside"), ""});
  }
  *session.out << "prices in force on " << FormatDate(report.date()) << "\n"
               << table.Render() << report.skus_size() << " SKUs\n";
  PrintMore(session, report.next_page_token());
  return absl::OkStatus();
}

}  // namespace

CommandGroup ChannelsCommandGroup() {
  const FlagSpec id = Required("id", "channel id");
  return {
      .name = "channels",
      .summary = "sales channels: agreements, price lists, enablement, claims and conflicts",
      .commands = {
          {"list", "channels matching filters, one page",
           WithPageFlags(
               {{.name = "type",
                 .help = "website, own-store, field-sales, distributor, "
                         "agent, retailer, ecommerce-platform, …"},
                {.name = "status", .help = "onboarding, active, suspended, terminated"},
                {.name = "partner", .help = "partner id"},
                {.name = "region", .help = "in the territory of the agreement in force"}}),
           ListChannels},
          {"get",
           "a channel with its agreement history, price list and enablement records",
           {{.name = "channel", .help = "channel id", .required = true, .positional = true}},
           GetChannel},
          {"register", "register a channel (onboarding)",
           WithMetaFlags({id,
                          Required("name", "display name"),
                          Required("type", "channel type (see list --help)"),
                          {.name = "partner-id", .help = "the partner (indirect channels)"},
                          {.name = "partner-name", .help = "the partner's name"},
                          {.name = "band-bp", .help = "price band in basis points (default 500)"},
                          {.name = "policy", .help = "refuse (default) or flag"}}),
           Register},
          {"set-status", "activate, suspend or terminate a channel",
           WithMetaFlags({id,
                          Required("status", "active, suspended or terminated"),
                          {.name = "reason", .help = "required except for a first activation"}}),
           SetStatus},
          {"set-band", "the channel's price band and policy",
           WithMetaFlags({id, Required("band-bp", "basis points, e.g. 500 = ±5 %"),
                          Required("policy", "refuse or flag")}),
           SetBand},
          {"amend", "sign or amend the partner agreement (a new version from a date)",
           WithMetaFlags({id,
                          Required("effective-from", "YYYY-MM-DD"),
                          Required("term-start", "YYYY-MM-DD"),
                          Required("term-end", "YYYY-MM-DD"),
                          Required("regions", "territory: region ids, comma-separated"),
                          {.name = "product-lines", .help = "scope: product line ids"},
                          {.name = "skus", .help = "scope: SKUs"},
                          {.name = "margin-bp", .help = "partner margin, basis points"},
                          {.name = "rebate-bp", .help = "rebate, basis points"},
                          {.name = "minimum-volume", .help = "minimum volume per period"},
                          {.name = "period", .help = "month, quarter or year"},
                          {.name = "currency", .help = "default CNY"},
                          {.name = "reason", .help = "required for an amendment"}}),
           Amend},
          {"set-price", "price a SKU on the channel from a date",
           WithMetaFlags({id,
                          Required("sku", "SKU"),
                          Required("effective-from", "YYYY-MM-DD"),
                          Required("price", "e.g. 1180.00"),
                          {.name = "currency", .help = "default CNY"}}),
           SetPrice},
          {"enablement", "record a partner training or support session",
           WithMetaFlags({id,
                          Required("kind", "training or support"),
                          Required("date", "YYYY-MM-DD"),
                          Required("topic", "topic"),
                          {.name = "attendees", .help = "names, comma-separated"},
                          {.name = "outcome", .help = "outcome"}}),
           RecordEnablement},
          {"flagged", "prices accepted outside their band",
           WithPageFlags({{.name = "channel", .help = "one channel's"}}), Flagged},
          {"claim", "claim a customer or lead for a channel (deal registration)",
           WithMetaFlags(
               WithSubjectFlags({Required("channel", "channel id"),
                                 Required("regions", "territory: region ids, comma-separated"),
                                 {.name = "exclusivity-days", .help = "default 90"},
                                 {.name = "deal", .help = "the deal of the lead, if any"}})),
           Claim},
          {"claims", "every claim and conflict on a customer or lead", WithSubjectFlags({}),
           Claims},
          {"conflicts", "channel conflicts with their age, open ones first",
           WithPageFlags({{.name = "status", .help = "open or resolved"},
                          {.name = "channel", .help = "involving this channel"}}),
           Conflicts},
          {"resolve", "give a conflict to one of its channels",
           WithMetaFlags(WithSubjectFlags({Required("conflict", "conflict id"),
                                           Required("winner", "the winning channel"),
                                           Required("reason", "why")})),
           Resolve},
          {"withdraw", "withdraw a claim",
           WithMetaFlags(
               WithSubjectFlags({Required("claim", "claim id"), Required("reason", "why")})),
           Withdraw},
          {"check",
           "may an order go through the channel? (CheckOrderEligibility)",
           {Required("channel", "channel id"),
            Required("region", "the customer's region"),
            Required("date", "YYYY-MM-DD"),
            Required("lines", "SKU:QUANTITY:UNIT_PRICE, comma-separated"),
            {.name = "currency", .help = "default CNY"}},
           Check},
      }};
}

CommandGroup CatalogCommandGroup() {
  const FlagSpec sku = Required("sku", "SKU");
  return {
      .name = "catalog",
      .summary = "the catalogue: products, list prices, omnichannel price consistency",
      .commands = {
          {"list", "products, one page",
           WithPageFlags(
               {{.name = "product-line", .help = "product line id"},
                {.name = "margin-class", .help = "standard, high or low"},
                {.name = "include-retired", .help = "retired ones too", .boolean = true}}),
           ListProducts},
          {"get",
           "a product with its list price history",
           {{.name = "sku", .help = "SKU", .required = true, .positional = true}},
           GetProduct},
          {"add", "add a product",
           WithMetaFlags({sku,
                          Required("name", "name"),
                          Required("product-line", "product line"),
                          Required("margin-class", "standard, high or low"),
                          Required("list-price", "e.g. 1200.00"),
                          Required("effective-from", "YYYY-MM-DD"),
                          {.name = "currency", .help = "default CNY"}}),
           AddProduct},
          {"change-price", "a new list price from a later date",
           WithMetaFlags({sku,
                          Required("list-price", "e.g. 1250.00"),
                          Required("effective-from", "YYYY-MM-DD"),
                          {.name = "currency", .help = "default CNY"}}),
           ChangeListPrice},
          {"retire", "retire a product", WithMetaFlags({sku, Required("reason", "why")}), Retire},
          {"consistency", "every channel's price of each SKU against the list price",
           WithPageFlags({{.name = "sku", .help = "one SKU"},
                          {.name = "date", .help = "YYYY-MM-DD (default today)"},
                          {.name = "violations-only",
                           .help = "only SKUs priced outside a band",
                           .boolean = true}}),
           Consistency},
      }};
}

}  // namespace sales::salesctl
