// The `salesctl orders …`, `customers …`, `inventory …` and `receivables …` commands
// (sales.orders.v1.OrderService).
#include "services/orders/cli/orders_commands.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/orders/v1/orders.grpc.pb.h"
#include "tools/salesctl/flag_values.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::orders::v1;
using Stub = v1::OrderService::Stub;

template <typename Request, typename Response>
absl::StatusOr<Response> Call(Session& session,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  return CallService<v1::OrderService>(session, method, request);
}

std::string StatusName(v1::OrderStatus status) {
  return EnumShortName(*v1::OrderStatus_descriptor(), status);
}

// Sends a command and prints what it did: "<done>: order O-1 is confirmed (version 3)".
template <typename Request>
absl::Status SendCommand(Session& session,
                         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                      v1::OrdersCommandResponse*),
                         Request request, const CommandArgs& args, absl::string_view done) {
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  ASSIGN_OR_RETURN(v1::OrdersCommandResponse response, Call(session, method, request));
  if (session.json) return PrintJson(session, response);
  *session.out << done;
  if (!response.order_id().empty()) {
    *session.out << ": order " << response.order_id() << " is " << StatusName(response.status());
  }
  if (!response.generated_id().empty()) *session.out << " (" << response.generated_id() << ")";
  *session.out << "; stream at version " << response.stream_version() << "\n";
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PositiveInt(absl::string_view text, absl::string_view what) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value <= 0) {
    return InvalidField(what, absl::StrCat("\"", text, "\" is not a positive number"));
  }
  return value;
}

// --lines "SKU:QTY[:UNIT_PRICE[:DISCOUNT_BP]],…" (unit price in --currency).
absl::Status ParseOrderLines(const CommandArgs& args, v1::PlaceOrderRequest& request) {
  const std::string currency = args.Has("currency") ? args.Get("currency") : kDefaultCurrency;
  for (absl::string_view item : absl::StrSplit(args.Get("lines"), ',', absl::SkipWhitespace())) {
    const std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    if (parts.size() < 2 || parts.size() > 4) {
      return InvalidField("--lines",
                          absl::StrCat("\"", item, "\" is not SKU:QTY[:UNIT_PRICE[:DISCOUNT_BP]]"));
    }
    v1::PlaceOrderLine& line = *request.add_lines();
    line.set_sku(std::string(parts[0]));
    ASSIGN_OR_RETURN(int64_t quantity, PositiveInt(parts[1], "--lines quantity"));
    line.set_quantity(quantity);
    if (parts.size() >= 3 && !parts[2].empty()) {
      ASSIGN_OR_RETURN(*line.mutable_unit_price(),
                       ParseMoney(parts[2], currency, "--lines unit price"));
    }
    if (parts.size() == 4) {
      int32_t discount = 0;
      if (!absl::SimpleAtoi(parts[3], &discount)) {
        return InvalidField("--lines discount", absl::StrCat("\"", parts[3], "\" is no number"));
      }
      line.set_discount_bp(discount);
    }
  }
  return absl::OkStatus();
}

// --- orders ---

absl::Status ListOrders(Session& session, const CommandArgs& args) {
  v1::ListOrdersRequest request;
  request.set_customer_id(args.Get("customer"));
  request.set_rep_id(args.Get("rep"));
  request.set_channel_id(args.Get("channel"));
  ASSIGN_OR_RETURN(auto status,
                   EnumFlag<v1::OrderStatus>(args, "status", *v1::OrderStatus_descriptor()));
  request.set_status(status);
  if (args.Has("from")) {
    ASSIGN_OR_RETURN(*request.mutable_placed_from(), DateFlag(args, "from"));
  }
  if (args.Has("to")) {
    ASSIGN_OR_RETURN(*request.mutable_placed_to(), DateFlag(args, "to"));
  }
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::ListOrdersResponse response, Call(session, &Stub::ListOrders, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"ORDER", "PLACED", "CUSTOMER", "CHANNEL", "REP", "DEAL", "STATUS", "LINES",
                      "TOTAL", "BALANCE", "DUE"});
  table.AlignRight(7);
  table.AlignRight(8);
  table.AlignRight(9);
  for (const v1::OrderSummary& order : response.orders()) {
    table.AddRow({order.order_id(), FormatDate(order.placed_on()), order.customer_id(),
                  order.channel_id(), order.rep_id(), OrDash(order.deal_id()),
                  StatusName(order.status()), absl::StrCat(order.lines()),
                  FormatMoney(order.total()), FormatMoney(order.balance()),
                  FormatDate(order.due_on())});
  }
  *session.out << table.Render() << response.orders_size() << " orders\n";
  PrintMore(session, response.next_page_token());
  return absl::OkStatus();
}

absl::Status ShowOrder(Session& session, const CommandArgs& args) {
  v1::GetOrderRequest request;
  request.set_order_id(args.Get("order"));
  ASSIGN_OR_RETURN(v1::Order order, Call(session, &Stub::GetOrder, request));
  if (session.json) return PrintJson(session, order);
  std::ostream& out = *session.out;
  out << "order      " << order.order_id() << "  " << StatusName(order.status()) << "\n"
      << "customer   " << order.customer_id() << " (region " << order.region_id() << ")\n"
      << "channel    " << order.channel_id() << "  "
      << (order.agreement_version() == 0 ? std::string("no agreement (a direct channel)")
                                         : absl::StrCat("agreement v", order.agreement_version()))
      << "\n"
      << "rep        " << order.rep_id() << " (team " << OrDash(order.team_id()) << ")\n"
      << "deal       " << OrDash(order.deal_id()) << "\n"
      << "placed     " << FormatTime(order.placed_at(), session.zone.zone) << "\n"
      << "total      " << FormatMoney(order.total()) << "\n\n";
  TablePrinter lines({"#", "SKU", "LINE", "MARGIN", "QTY", "UNIT PRICE", "DISC", "NET", "PRICE",
                      "RESERVED", "BACKORDER", "SHIPPED", "RETURNED"});
  for (const v1::OrderLine& line : order.lines()) {
    v1::LineFulfilment fulfilment;
    for (const v1::LineFulfilment& f : order.fulfilment()) {
      if (f.line_no() == line.line_no()) fulfilment = f;
    }
    lines.AddRow({absl::StrCat(line.line_no()), line.sku(), line.product_line_id(),
                  EnumShortName(*channels::v1::MarginClass_descriptor(), line.margin_class()),
                  absl::StrCat(line.quantity()), FormatMoney(line.unit_price()),
                  absl::StrCat(line.discount_bp(), "bp"), FormatMoney(line.net_amount()),
                  line.price_list_version() == 0
                      ? (line.unit_price_defaulted() ? "list" : "given")
                      : absl::StrCat("channel v", line.price_list_version()),
                  absl::StrCat(fulfilment.reserved()), absl::StrCat(fulfilment.backordered()),
                  absl::StrCat(fulfilment.shipped()), absl::StrCat(fulfilment.returned())});
  }
  out << lines.Render();
  for (const channels::v1::PriceFlag& flag : order.price_flags()) {
    out << "price flag: " << flag.ShortDebugString() << "\n";
  }
  if (!order.shipment().carrier().empty()) {
    out << "\nshipped    " << FormatTime(order.shipment().shipped_at(), session.zone.zone) << " by "
        << order.shipment().carrier() << ", tracking " << order.shipment().tracking_number()
        << "\n";
  }
  if (!order.invoice().invoice_id().empty()) {
    const v1::Invoice& invoice = order.invoice();
    out << "invoice    " << invoice.invoice_id() << " " << FormatMoney(invoice.amount())
        << ", issued " << FormatDate(invoice.issued_on()) << ", due "
        << FormatDate(invoice.due_on()) << "; paid " << FormatMoney(invoice.paid()) << ", credited "
        << FormatMoney(invoice.credited()) << ", balance " << FormatMoney(invoice.balance())
        << (invoice.overdue_reported() ? " (OVERDUE)" : "") << "\n";
  }
  for (const v1::Payment& payment : order.payments()) {
    out << "payment    " << payment.payment_id() << " " << FormatMoney(payment.amount()) << " on "
        << FormatDate(payment.received_on()) << " " << payment.reference() << "\n";
  }
  for (const v1::OrderReturn& order_return : order.returns()) {
    out << "return     " << order_return.return_id() << " credit "
        << FormatMoney(order_return.credit_amount()) << ", refund due "
        << FormatMoney(order_return.refund_due()) << ": " << order_return.reason() << "\n";
  }
  out << "\n";
  TablePrinter history({"AT", "FROM", "TO", "REASON"});
  for (const v1::StatusChange& change : order.history()) {
    history.AddRow({FormatTime(change.at(), session.zone.zone), StatusName(change.from()),
                    StatusName(change.to()), OrDash(change.reason())});
  }
  out << history.Render();
  return absl::OkStatus();
}

absl::Status PlaceOrder(Session& session, const CommandArgs& args) {
  v1::PlaceOrderRequest request;
  request.set_order_id(args.Get("id"));
  request.set_customer_id(args.Get("customer"));
  request.set_deal_id(args.Get("deal"));
  request.set_channel_id(args.Get("channel"));
  request.set_rep_id(args.Get("rep"));
  request.set_allow_backorder(args.Has("backorder"));
  if (args.Has("date")) {
    ASSIGN_OR_RETURN(*request.mutable_order_date(), DateFlag(args, "date"));
  }
  RETURN_IF_ERROR(ParseOrderLines(args, request));
  return SendCommand(session, &Stub::PlaceOrder, request, args, "placed");
}

template <typename Request>
Request ForOrder(const CommandArgs& args) {
  Request request;
  request.set_order_id(args.Get("order"));
  return request;
}

absl::Status ConfirmOrder(Session& session, const CommandArgs& args) {
  return SendCommand(session, &Stub::ConfirmOrder, ForOrder<v1::ConfirmOrderRequest>(args), args,
                     "confirmed");
}

absl::Status ReleaseHold(Session& session, const CommandArgs& args) {
  auto request = ForOrder<v1::ReleaseCreditHoldRequest>(args);
  request.set_reason(args.Get("reason"));
  return SendCommand(session, &Stub::ReleaseCreditHold, request, args, "released");
}

absl::Status CancelOrder(Session& session, const CommandArgs& args) {
  auto request = ForOrder<v1::CancelOrderRequest>(args);
  request.set_reason(args.Get("reason"));
  return SendCommand(session, &Stub::CancelOrder, request, args, "cancelled");
}

absl::Status ShipOrder(Session& session, const CommandArgs& args) {
  auto request = ForOrder<v1::ShipOrderRequest>(args);
  request.set_carrier(args.Get("carrier"));
  request.set_tracking_number(args.Get("tracking"));
  return SendCommand(session, &Stub::ShipOrder, request, args, "shipped");
}

absl::Status DeliverOrder(Session& session, const CommandArgs& args) {
  return SendCommand(session, &Stub::DeliverOrder, ForOrder<v1::DeliverOrderRequest>(args), args,
                     "delivered");
}

absl::Status InvoiceOrder(Session& session, const CommandArgs& args) {
  auto request = ForOrder<v1::InvoiceOrderRequest>(args);
  request.set_invoice_id(args.Get("invoice"));
  if (args.Has("issued")) {
    ASSIGN_OR_RETURN(*request.mutable_issued_on(), DateFlag(args, "issued"));
  }
  return SendCommand(session, &Stub::InvoiceOrder, request, args, "invoiced");
}

absl::Status RecordPayment(Session& session, const CommandArgs& args) {
  auto request = ForOrder<v1::RecordPaymentRequest>(args);
  request.set_payment_id(args.Get("payment"));
  ASSIGN_OR_RETURN(*request.mutable_amount(), MoneyFlag(args, "amount"));
  if (args.Has("date")) {
    ASSIGN_OR_RETURN(*request.mutable_received_on(), DateFlag(args, "date"));
  }
  request.set_reference(args.Get("reference"));
  return SendCommand(session, &Stub::RecordPayment, request, args, "payment recorded");
}

absl::Status ReturnItems(Session& session, const CommandArgs& args) {
  auto request = ForOrder<v1::ReturnItemsRequest>(args);
  request.set_return_id(args.Get("return"));
  request.set_reason(args.Get("reason"));
  for (absl::string_view item : absl::StrSplit(args.Get("lines"), ',', absl::SkipWhitespace())) {
    const std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    if (parts.size() != 2) {
      return InvalidField("--lines", absl::StrCat("\"", item, "\" is not LINE_NO:QTY"));
    }
    v1::ReturnLineRequest& line = *request.add_lines();
    ASSIGN_OR_RETURN(int64_t line_no, PositiveInt(parts[0], "--lines line number"));
    ASSIGN_OR_RETURN(int64_t quantity, PositiveInt(parts[1], "--lines quantity"));
    line.set_line_no(static_cast<int32_t>(std::min<int64_t>(line_no, INT32_MAX)));
    line.set_quantity(quantity);
  }
  return SendCommand(session, &Stub::ReturnItems, request, args, "return accepted");
}

// --- customers ---

absl::Status RegisterCustomer(Session& session, const CommandArgs& args) {
  v1::RegisterCustomerRequest request;
  request.set_customer_id(args.Get("id"));
  request.set_name(args.Get("name"));
  request.set_region_id(args.Get("region"));
  request.set_segment(args.Get("segment"));
  ASSIGN_OR_RETURN(auto grade,
                   EnumFlag<v1::CreditGrade>(args, "grade", *v1::CreditGrade_descriptor()));
  request.set_credit_grade(grade);
  ASSIGN_OR_RETURN(*request.mutable_credit_limit(), MoneyFlag(args, "limit"));
  ASSIGN_OR_RETURN(int32_t terms, Int32Flag(args, "terms"));
  request.set_payment_terms_days(terms);
  return SendCommand(session, &Stub::RegisterCustomer, request, args, "registered");
}

absl::Status ChangeCredit(Session& session, const CommandArgs& args) {
  v1::ChangeCustomerCreditRequest request;
  request.set_customer_id(args.Get("customer"));
  ASSIGN_OR_RETURN(auto grade,
                   EnumFlag<v1::CreditGrade>(args, "grade", *v1::CreditGrade_descriptor()));
  request.set_credit_grade(grade);
  ASSIGN_OR_RETURN(*request.mutable_credit_limit(), MoneyFlag(args, "limit"));
  ASSIGN_OR_RETURN(int32_t terms, Int32Flag(args, "terms"));
  request.set_payment_terms_days(terms);
  request.set_reason(args.Get("reason"));
  return SendCommand(session, &Stub::ChangeCustomerCredit, request, args, "credit changed");
}

absl::Status ShowCustomer(Session& session, const CommandArgs& args) {
  v1::GetCustomerRequest request;
  request.set_customer_id(args.Get("customer"));
  ASSIGN_OR_RETURN(v1::CustomerAccount account, Call(session, &Stub::GetCustomer, request));
  if (session.json) return PrintJson(session, account);
  const v1::Customer& customer = account.customer();
  *session.out << "customer   " << customer.customer_id() << "  " << customer.name() << "\n"
               << "region     " << customer.region_id() << ", segment "
               << OrDash(customer.segment()) << "\n"
               << "credit     grade "
               << EnumShortName(*v1::CreditGrade_descriptor(), customer.credit_grade())
               << ", limit " << FormatMoney(customer.credit_limit()) << ", net "
               << customer.payment_terms_days() << " days\n"
               << "exposure   " << FormatMoney(account.exposure()) << " (headroom "
               << FormatMoney(account.headroom()) << ") over " << customer.exposure_by_order_size()
               << " orders; " << customer.confirmed_orders() << " orders confirmed ever\n\n";
  TablePrinter table({"INVOICE", "ORDER", "ISSUED", "DUE", "AMOUNT", "BALANCE", "DAYS OVERDUE"});
  table.AlignRight(4);
  table.AlignRight(5);
  table.AlignRight(6);
  for (const v1::OpenInvoice& invoice : account.open_invoices()) {
    table.AddRow({invoice.invoice_id(), invoice.order_id(), FormatDate(invoice.issued_on()),
                  FormatDate(invoice.due_on()), FormatMoney(invoice.amount()),
                  FormatMoney(invoice.balance()),
                  invoice.days_overdue() > 0 ? absl::StrCat(invoice.days_overdue()) : "-"});
  }
  *session.out << table.Render() << account.open_invoices_size() << " open invoices\n";
  return absl::OkStatus();
}

// --- inventory ---

void AddStockRow(TablePrinter& table, const v1::StockLevel& level) {
  const v1::Stock& stock = level.stock();
  int holds = 0;
  for (const v1::Stock::Hold& hold : stock.holds()) holds += hold.reserved() > 0 ? 1 : 0;
  table.AddRow({stock.sku(), absl::StrCat(stock.on_hand()), absl::StrCat(stock.reserved()),
                absl::StrCat(level.available()), absl::StrCat(stock.backordered()),
                absl::StrCat(holds)});
}

TablePrinter StockTable() {
  TablePrinter table({"SKU", "ON HAND", "RESERVED", "AVAILABLE", "BACKORDERED", "HOLDS"});
  for (size_t column = 1; column <= 5; ++column) table.AlignRight(column);
  return table;
}

absl::Status ReceiveStock(Session& session, const CommandArgs& args) {
  v1::ReceiveStockRequest request;
  request.set_sku(args.Get("sku"));
  ASSIGN_OR_RETURN(int64_t quantity, args.GetInt("quantity", 0));
  request.set_quantity(quantity);
  request.set_reference(args.Get("reference"));
  return SendCommand(session, &Stub::ReceiveStock, request, args, "received");
}

absl::Status ShowStock(Session& session, const CommandArgs& args) {
  v1::GetStockRequest request;
  request.set_sku(args.Get("sku"));
  ASSIGN_OR_RETURN(v1::StockLevel level, Call(session, &Stub::GetStock, request));
  if (session.json) return PrintJson(session, level);
  TablePrinter table = StockTable();
  AddStockRow(table, level);
  *session.out << table.Render() << "\n";
  TablePrinter holds({"ORDER", "LINE", "RESERVED", "BACKORDERED"});
  for (const v1::Stock::Hold& hold : level.stock().holds()) {
    holds.AddRow({hold.order_id(), absl::StrCat(hold.line_no()), absl::StrCat(hold.reserved()),
                  absl::StrCat(hold.backordered())});
  }
  *session.out << holds.Render() << level.stock().holds_size() << " holds\n";
  return absl::OkStatus();
}

absl::Status ListStock(Session& session, const CommandArgs& args) {
  v1::ListStockRequest request;
  request.set_only_backordered(args.Has("backordered"));
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::ListStockResponse response, Call(session, &Stub::ListStock, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table = StockTable();
  for (const v1::StockLevel& level : response.stock()) AddStockRow(table, level);
  *session.out << table.Render() << response.stock_size() << " SKUs\n";
  PrintMore(session, response.next_page_token());
  return absl::OkStatus();
}

// --- receivables ---

absl::Status Aging(Session& session, const CommandArgs& args) {
  v1::GetAgingReportRequest request;
  ASSIGN_OR_RETURN(auto by, EnumFlag<v1::AgingGroupBy>(args, "by", *v1::AgingGroupBy_descriptor()));
  request.set_group_by(by);
  if (args.Has("as-of")) {
    ASSIGN_OR_RETURN(*request.mutable_as_of(), DateFlag(args, "as-of"));
  }
  request.set_currency(args.Get("currency"));
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::AgingReport report, Call(session, &Stub::GetAgingReport, request));
  if (session.json) return PrintJson(session, report);
  TablePrinter table(
      {by == v1::AGING_GROUP_BY_UNSPECIFIED
           ? std::string("SCOPE")
           : absl::AsciiStrToUpper(EnumShortName(*v1::AgingGroupBy_descriptor(), by)),
       "CURRENCY", "CURRENT", "1-30", "31-60", "61-90", "90+", "TOTAL", "INVOICES"});
  for (size_t column = 2; column <= 8; ++column) table.AlignRight(column);
  auto add = [&](const v1::AgingRow& row, const std::string& scope) {
    std::vector<std::string> cells = {scope, row.currency()};
    for (const v1::AgingBucketTotal& bucket : row.buckets()) {
      common::v1::Money money;
      money.set_units(bucket.balance());
      money.set_currency(row.currency());
      cells.push_back(bucket.balance() == 0 ? "-" : FormatMoney(money));
    }
    common::v1::Money total;
    total.set_units(row.total_balance());
    total.set_currency(row.currency());
    cells.push_back(FormatMoney(total));
    cells.push_back(absl::StrCat(row.total_invoices()));
    table.AddRow(std::move(cells));
  };
  for (const v1::AgingRow& row : report.rows()) add(row, row.group_id());
  for (const v1::AgingRow& row : report.totals()) add(row, "TOTAL");
  *session.out << "receivables aging as of " << FormatDate(report.as_of()) << " (days past due)\n"
               << table.Render();
  PrintMore(session, report.next_page_token());
  return absl::OkStatus();
}

const FlagSpec kOrderFlag = {
    .name = "order", .help = "order id", .required = true, .positional = true};

}  // namespace

CommandGroup OrdersCommandGroup() {
  return {
      .name = "orders",
      .summary =
          "orders: placement, confirmation and credit holds, shipping, invoices, payments, "
          "returns",
      .commands = {
          {"list", "orders matching filters, newest first, one page",
           WithPageFlags({{.name = "customer", .help = "customer id"},
                          {.name = "rep", .help = "rep id"},
                          {.name = "channel", .help = "channel id"},
                          {.name = "status",
                           .help = "placed, credit-hold, confirmed, shipped, delivered, invoiced, "
                                   "paid, cancelled"},
                          {.name = "from", .help = "placed on or after YYYY-MM-DD"},
                          {.name = "to", .help = "placed on or before YYYY-MM-DD"}}),
           ListOrders},
          {"show",
           "an order with its lines, fulfilment, invoice, payments, returns and history",
           {kOrderFlag},
           ShowOrder},
          {"place", "place an order (checked against the channel's agreement and prices)",
           WithMetaFlags(
               {Required("customer", "customer id"),
                Required("channel", "channel id"),
                Required("rep", "the rep credited"),
                Required("lines", "SKU:QTY[:UNIT_PRICE[:DISCOUNT_BP]],… (price: the channel's)"),
                {.name = "deal", .help = "the won deal it comes from"},
                {.name = "id", .help = "order id (default: generated)"},
                {.name = "backorder", .help = "back-order what is not in stock", .boolean = true},
                {.name = "date", .help = "order date YYYY-MM-DD (default today)"},
                {.name = "currency", .help = "of given unit prices (default CNY)"}}),
           PlaceOrder},
          {"confirm", "confirm: reserve stock, or put on credit hold over the limit",
           WithMetaFlags({kOrderFlag}), ConfirmOrder},
          {"release", "release a credit hold (a manager)",
           WithMetaFlags({kOrderFlag, Required("reason", "why")}), ReleaseHold},
          {"cancel", "cancel before shipping (holds released)",
           WithMetaFlags({kOrderFlag, Required("reason", "why")}), CancelOrder},
          {"ship", "ship (reserved stock consumed)",
           WithMetaFlags({kOrderFlag, Required("carrier", "carrier"),
                          Required("tracking", "tracking number")}),
           ShipOrder},
          {"deliver", "record the delivery", WithMetaFlags({kOrderFlag}), DeliverOrder},
          {"invoice", "invoice a delivered order (due after the customer's terms)",
           WithMetaFlags({kOrderFlag,
                          {.name = "invoice", .help = "invoice id (default: generated)"},
                          {.name = "issued", .help = "issue date YYYY-MM-DD (default today)"}}),
           InvoiceOrder},
          {"pay", "record a payment (at most the balance)",
           WithMetaFlags({kOrderFlag,
                          Required("amount", "e.g. 1000.00"),
                          {.name = "currency", .help = "default CNY"},
                          {.name = "payment", .help = "payment id (default: generated)"},
                          {.name = "date", .help = "received on YYYY-MM-DD (default today)"},
                          {.name = "reference", .help = "e.g. the bank reference"}}),
           RecordPayment},
          {"return", "accept a return of delivered units (a credit note)",
           WithMetaFlags({kOrderFlag,
                          Required("lines", "LINE_NO:QTY,…"),
                          Required("reason", "why"),
                          {.name = "return", .help = "return id (default: generated)"}}),
           ReturnItems},
      }};
}

CommandGroup CustomersCommandGroup() {
  const FlagSpec customer = {
      .name = "customer", .help = "customer id", .required = true, .positional = true};
  return {.name = "customers",
          .summary = "customers: credit grade, limit and terms; exposure and open invoices",
          .commands = {
              {"show", "a customer's credit account and open invoices", {customer}, ShowCustomer},
              {"register", "register a customer",
               WithMetaFlags({Required("id", "customer id"),
                              Required("name", "name"),
                              Required("region", "org region"),
                              {.name = "segment", .help = "e.g. smb, enterprise"},
                              Required("grade", "a, b, c or d"),
                              Required("limit", "credit limit, e.g. 500000"),
                              {.name = "currency", .help = "the customer's (default CNY)"},
                              {.name = "terms", .help = "payment terms in days (0–365)"}}),
               RegisterCustomer},
              {"credit", "change grade, limit and terms",
               WithMetaFlags({customer,
                              Required("grade", "a, b, c or d"),
                              Required("limit", "credit limit"),
                              {.name = "currency", .help = "the customer's (default CNY)"},
                              {.name = "terms", .help = "payment terms in days (0–365)"},
                              Required("reason", "why")}),
               ChangeCredit},
          }};
}

CommandGroup InventoryCommandGroup() {
  return {.name = "inventory",
          .summary = "stock per SKU: on hand, reserved, available, back-orders",
          .commands = {
              {"list", "stock of every SKU, one page",
               WithPageFlags({{.name = "backordered",
                               .help = "only SKUs with back-orders waiting",
                               .boolean = true}}),
               ListStock},
              {"show",
               "a SKU's stock and the orders holding it",
               {{.name = "sku", .help = "SKU", .required = true, .positional = true}},
               ShowStock},
              {"receive", "receive stock (fills back-orders first)",
               WithMetaFlags({Required("sku", "SKU"),
                              Required("quantity", "units"),
                              {.name = "reference", .help = "e.g. the delivery note"}}),
               ReceiveStock},
          }};
}

CommandGroup ReceivablesCommandGroup() {
  return {.name = "receivables",
          .summary = "receivables: the aging report",
          .commands = {
              {"aging", "open balances by days past due (current, 1-30, 31-60, 61-90, 90+)",
               WithPageFlags({{.name = "by", .help = "customer, rep or region (default: totals)"},
                              {.name = "as-of", .help = "YYYY-MM-DD (default today)"},
                              {.name = "currency", .help = "only this currency"}}),
               Aging},
          }};
}

}  // namespace sales::salesctl
