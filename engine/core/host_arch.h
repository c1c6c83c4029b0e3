/* This machine's architecture as Go names it (amd64, arm64...): the name
 * images, `version` and the Engine API use. */
#ifndef BERTH_CORE_HOST_ARCH_H
#define BERTH_CORE_HOST_ARCH_H

const char *host_go_arch(void);

#endif
