// The forecast's salesctl group ("salesctl forecast …"): GetForecast and GetForecastAccuracy of
// PerformanceService as tables.
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_PROJECTIONS_CLI_FORECAST_COMMANDS_H_
#define SALES_SERVICES_PROJECTIONS_CLI_FORECAST_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup ForecastCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_PROJECTIONS_CLI_FORECAST_COMMANDS_H_
