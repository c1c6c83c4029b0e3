/* Networks: the default bridge and user-defined bridge networks with their
 * addresses (IPAM), the predefined host and none, and the kernel links
 * behind them. */
#ifndef BERTH_NETWORK_NETWORK_H
#define BERTH_NETWORK_NETWORK_H

#include "engine/core/engine.h"

extern const struct engine_module network_module;

#endif
