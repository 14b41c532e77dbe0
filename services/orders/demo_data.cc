#include "services/orders/demo_data.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"

namespace sales::orders {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);

struct DemoCustomer {
  const char* id;
  const char* name;
  const char* region;
  const char* segment;
  v1::CreditGrade grade;
  int64_t limit_yuan;
  int terms_days;
};

const DemoCustomer kCustomers[] = {
    {"C-YUNFAN", "杭州云帆科技有限公司", "east", "enterprise", v1::CREDIT_GRADE_A, 1'000'000, 30},
    {"C-JINLING", "南京金陵医药股份有限公司", "east", "enterprise", v1::CREDIT_GRADE_B, 200'000,
     30},
    {"C-FANGCHENG", "绍兴纺城纺织有限公司", "east", "smb", v1::CREDIT_GRADE_C, 500'000, 7},
    {"C-WEILIAN", "深圳前海微链科技有限公司", "south", "smb", v1::CREDIT_GRADE_B, 300'000, 30},
};

struct DemoLine {
  const char* sku;
  int64_t quantity;
};

class Seeder {
 public:
  Seeder(OrdersApp& app, runtime::DemoClock& clock) : app_(app), clock_(clock) {}

  absl::StatusOr<DemoOrdersSummary> Seed() {
    clock_.SetBehind(20 * kDay);
    for (const DemoCustomer& spec : kCustomers) {
      auto request = WithMeta<v1::RegisterCustomerRequest>();
      request.set_customer_id(spec.id);
      request.set_name(spec.name);
      request.set_region_id(spec.region);
      request.set_segment(spec.segment);
      request.set_credit_grade(spec.grade);
      *request.mutable_credit_limit() = Cny(spec.limit_yuan);
      request.set_payment_terms_days(spec.terms_days);
      RETURN_IF_ERROR(
          Run(absl::StrCat("register ", spec.id), app_.RegisterCustomer(request, Origin())));
    }
    clock_.SetBehind(16 * kDay);
    for (const DemoLine& stock :
         {DemoLine{"CRM-STD", 1'000}, {"CRM-PRO", 500}, {"CRM-AI", 30}, {"ERP-CORE", 20}}) {
      RETURN_IF_ERROR(Receive(stock.sku, stock.quantity, "入库单 GRN-2026-0101"));
    }

    // Net-7 terms, invoiced 12 days ago: 5 days overdue now.
    clock_.SetBehind(15 * kDay);
    RETURN_IF_ERROR(Place("O-DEMO-003", "C-FANGCHENG", "", "partner-huadong-it", "li.xue",
                          {{"ERP-CORE", 2}}, false));
    RETURN_IF_ERROR(Confirm("O-DEMO-003"));
    clock_.SetBehind(14 * kDay);
    RETURN_IF_ERROR(Ship("O-DEMO-003", "顺丰速运 SF Express", "SF1402202611"));
    clock_.SetBehind(13 * kDay);
    RETURN_IF_ERROR(Deliver("O-DEMO-003"));
    clock_.SetBehind(12 * kDay);
    RETURN_IF_ERROR(Invoice("O-DEMO-003", "INV-DEMO-003"));

    // From won deals.
    clock_.SetBehind(3 * kDay);
    RETURN_IF_ERROR(Place("O-DEMO-001", "C-YUNFAN", "D-2026-001", "web-official", "wang.hao",
                          {{"CRM-PRO", 100}}, false));
    RETURN_IF_ERROR(Confirm("O-DEMO-001"));
    RETURN_IF_ERROR(Place("O-DEMO-002", "C-JINLING", "D-2026-004", "partner-huadong-it",
                          "zhang.min", {{"CRM-STD", 200}}, false));
    RETURN_IF_ERROR(Confirm("O-DEMO-002"));  // over the credit limit: on hold
    RETURN_IF_ERROR(Place("O-DEMO-004", "C-WEILIAN", "D-2026-017", "partner-lingnan", "huang.lan",
                          {{"CRM-STD", 20}}, false));
    RETURN_IF_ERROR(Confirm("O-DEMO-004"));
    clock_.SetBehind(2 * kDay + absl::Hours(6));
    {
      auto release = WithMeta<v1::ReleaseCreditHoldRequest>("zhang.min");
      release.set_order_id("O-DEMO-002");
      release.set_reason(
          "长期合作客户, 经理批准 (long-standing customer, approved by the manager)");
      RETURN_IF_ERROR(Run("release O-DEMO-002", app_.ReleaseCreditHold(release, Origin())));
    }
    for (const char* order_id : {"O-DEMO-001", "O-DEMO-002", "O-DEMO-004"}) {
      RETURN_IF_ERROR(Ship(order_id, "京东物流 JD Logistics", absl::StrCat("JD-", order_id)));
    }
    RETURN_IF_ERROR(
        Place("O-DEMO-005", "C-YUNFAN", "", "tmall-flagship", "wang.hao", {{"CRM-AI", 50}}, true));
    RETURN_IF_ERROR(Confirm("O-DEMO-005"));  // 30 in stock: 20 back-ordered
    clock_.SetBehind(2 * kDay);
    for (const char* order_id : {"O-DEMO-001", "O-DEMO-002", "O-DEMO-004"}) {
      RETURN_IF_ERROR(Deliver(order_id));
    }
    clock_.SetBehind(1 * kDay + absl::Hours(6));
    {
      auto request = WithMeta<v1::ReturnItemsRequest>();
      request.set_order_id("O-DEMO-004");
      request.set_return_id("RET-DEMO-004");
      v1::ReturnLineRequest& line = *request.add_lines();
      line.set_line_no(1);
      line.set_quantity(5);
      request.set_reason("多订了 5 个席位 (5 seats ordered too many)");
      RETURN_IF_ERROR(Run("return on O-DEMO-004", app_.ReturnItems(request, Origin())));
    }
    RETURN_IF_ERROR(Receive("CRM-AI", 40, "入库单 GRN-2026-0117"));  // fills the back-order
    clock_.SetBehind(1 * kDay);
    RETURN_IF_ERROR(Invoice("O-DEMO-001", "INV-DEMO-001"));
    RETURN_IF_ERROR(Invoice("O-DEMO-004", "INV-DEMO-004"));
    RETURN_IF_ERROR(
        Place("O-DEMO-006", "C-WEILIAN", "", "wechat-mini", "huang.lan", {{"CRM-STD", 10}}, false));
    RETURN_IF_ERROR(Confirm("O-DEMO-006"));
    clock_.SetBehind(absl::Hours(6));
    RETURN_IF_ERROR(Pay("O-DEMO-001", "PAY-DEMO-001", 100'000));  // part of 260,000
    RETURN_IF_ERROR(Pay("O-DEMO-004", "PAY-DEMO-004", 18'000));   // in full after the return
    {
      auto cancel = WithMeta<v1::CancelOrderRequest>();
      cancel.set_order_id("O-DEMO-006");
      cancel.set_reason("客户改为年付方案 (the customer switched to the annual plan)");
      RETURN_IF_ERROR(Run("cancel O-DEMO-006", app_.CancelOrder(cancel, Origin())));
    }
    clock_.SetBehind(absl::ZeroDuration());
    // INV-DEMO-003, from the read model's list of invoices past due: once it has the invoice.
    RETURN_IF_ERROR(app_.WaitForReadModel(absl::Seconds(30)));
    RETURN_IF_ERROR(app_.ScanOverdue().status());
    return DemoOrdersSummary{.customers = static_cast<int>(std::size(kCustomers)), .orders = 6};
  }

 private:
  template <typename Request>
  Request WithMeta(const char* actor = runtime::kDemoActor) const {
    Request request;
    request.mutable_meta()->set_actor(actor);
    return request;
  }
  CallOrigin Origin() { return {.correlation_id = absl::StrCat("demo-orders-", ++calls_)}; }
  template <typename T>
  absl::Status Run(absl::string_view what, const absl::StatusOr<T>& result) {
    if (result.ok()) return absl::OkStatus();
    return absl::Status(result.status().code(),
                        absl::StrCat("demo orders: ", what, ": ", result.status().message()));
  }
  static common::v1::Money Cny(int64_t yuan) {
    common::v1::Money money;
    money.set_units(yuan * 100);  // fen
    money.set_currency("CNY");
    return money;
  }

  absl::Status Receive(const char* sku, int64_t quantity, const char* reference) {
    auto request = WithMeta<v1::ReceiveStockRequest>();
    request.set_sku(sku);
    request.set_quantity(quantity);
    request.set_reference(reference);
    return Run(absl::StrCat("receive ", sku), app_.ReceiveStock(request, Origin()));
  }
  absl::Status Place(const char* order_id, const char* customer_id, const char* deal_id,
                     const char* channel_id, const char* rep_id, const std::vector<DemoLine>& lines,
                     bool allow_backorder) {
    auto request = WithMeta<v1::PlaceOrderRequest>();
    request.set_order_id(order_id);
    request.set_customer_id(customer_id);
    request.set_deal_id(deal_id);
    request.set_channel_id(channel_id);
    request.set_rep_id(rep_id);
    request.set_allow_backorder(allow_backorder);
    for (const DemoLine& line : lines) {
      v1::PlaceOrderLine& added = *request.add_lines();
      added.set_sku(line.sku);
      added.set_quantity(line.quantity);
    }
    return Run(absl::StrCat("place ", order_id), app_.PlaceOrder(request, Origin()));
  }
  absl::Status Confirm(const char* order_id) {
    auto request = WithMeta<v1::ConfirmOrderRequest>();
    request.set_order_id(order_id);
    return Run(absl::StrCat("confirm ", order_id), app_.ConfirmOrder(request, Origin()));
  }
  absl::Status Ship(const char* order_id, const char* carrier, const std::string& tracking) {
    auto request = WithMeta<v1::ShipOrderRequest>();
    request.set_order_id(order_id);
    request.set_carrier(carrier);
    request.set_tracking_number(tracking);
    return Run(absl::StrCat("ship ", order_id), app_.ShipOrder(request, Origin()));
  }
  absl::Status Deliver(const char* order_id) {
    auto request = WithMeta<v1::DeliverOrderRequest>();
    request.set_order_id(order_id);
    return Run(absl::StrCat("deliver ", order_id), app_.DeliverOrder(request, Origin()));
  }
  absl::Status Invoice(const char* order_id, const char* invoice_id) {
    auto request = WithMeta<v1::InvoiceOrderRequest>();
    request.set_order_id(order_id);
    request.set_invoice_id(invoice_id);
    return Run(absl::StrCat("invoice ", order_id), app_.InvoiceOrder(request, Origin()));
  }
  absl::Status Pay(const char* order_id, const char* payment_id, int64_t yuan) {
    auto request = WithMeta<v1::RecordPaymentRequest>();
    request.set_order_id(order_id);
    request.set_payment_id(payment_id);
    *request.mutable_amount() = Cny(yuan);
    request.set_reference("银行转账 bank transfer");
    return Run(absl::StrCat("payment on ", order_id), app_.RecordPayment(request, Origin()));
  }

  OrdersApp& app_;
  runtime::DemoClock& clock_;
  int calls_ = 0;
};

}  // namespace

absl::StatusOr<DemoOrdersSummary> SeedDemoData(OrdersApp& app, runtime::DemoClock& clock) {
  Seeder seeder(app, clock);
  absl::StatusOr<DemoOrdersSummary> seeded = seeder.Seed();
  clock.SetBehind(absl::ZeroDuration());
  return seeded;
}

}  // namespace sales::orders
