// The orders context's salesctl groups, over sales.orders.v1.OrderService: "salesctl orders …"
// (list, show, place, confirm, release, cancel, ship, deliver, invoice, pay, return),
// "salesctl customers …" (show, register, credit), "salesctl inventory …" (list, show, receive)
// and "salesctl receivables aging".
//
//   for (const Command& command : OrdersCommandGroup().commands) ...
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_ORDERS_CLI_ORDERS_COMMANDS_H_
#define SALES_SERVICES_ORDERS_CLI_ORDERS_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup OrdersCommandGroup();
CommandGroup CustomersCommandGroup();
CommandGroup InventoryCommandGroup();
CommandGroup ReceivablesCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_ORDERS_CLI_ORDERS_COMMANDS_H_
