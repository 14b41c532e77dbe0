// Demo data for a fresh orders store (salesd seeds it through the orders module once its replicas
// hold the demo organisation, channels and leads): four customers, stock of four SKUs, and six
// orders through five channels — from three of the demo's won deals (D-2026-001, -004, -017),
// one put on credit hold and released by the manager, one paid in part, one invoiced two weeks
// ago on net-7 terms and now overdue (InvoiceOverdue recorded by a scan at the end), one with a
// partial return before its invoice, one back-ordered and filled by a receipt, one cancelled.
// Everything goes through the OrdersApp API, the code path clients use, as actor "system:demo"
// (a release of a credit hold as the region's manager).
//
//   ASSIGN_OR_RETURN(DemoOrdersSummary seeded, SeedDemoData(*app, clock));
//
// Leaves `clock` at real time. Thread-safety: must not run concurrently with other commands
// (call it before serving).
#ifndef SALES_SERVICES_ORDERS_DEMO_DATA_H_
#define SALES_SERVICES_ORDERS_DEMO_DATA_H_

#include "absl/status/statusor.h"
#include "common/runtime/demo_clock.h"
#include "services/orders/app/orders_app.h"

namespace sales::orders {

struct DemoOrdersSummary {
  int customers = 0;
  int orders = 0;
};

// Call it on an empty orders store only (the caller checks): its fixed ids would collide with
// existing ones. Stops at the first refused command and returns its error, naming the command.
absl::StatusOr<DemoOrdersSummary> SeedDemoData(OrdersApp& app, runtime::DemoClock& clock);

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_DEMO_DATA_H_
