// The channels context's salesctl groups: "salesctl channels …" (channels, agreements, price
// lists, enablement, claims and conflicts, the order check) and "salesctl catalog …" (products,
// list prices, the omnichannel price consistency report), over sales.channels.v1.ChannelService.
//
//   for (const Command& command : ChannelsCommandGroup().commands) ...
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_CHANNELS_CLI_CHANNELS_COMMANDS_H_
#define SALES_SERVICES_CHANNELS_CLI_CHANNELS_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup ChannelsCommandGroup();
CommandGroup CatalogCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_CHANNELS_CLI_CHANNELS_COMMANDS_H_
