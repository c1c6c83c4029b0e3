/* The route tables, one per file of api/, each ended by {NULL}. */
#ifndef BERTH_API_ROUTES_H
#define BERTH_API_ROUTES_H

#include "api/request.h"

extern const struct api_route api_system_routes[];
extern const struct api_route api_container_routes[];
extern const struct api_route api_exec_routes[];
extern const struct api_route api_image_routes[];
extern const struct api_route api_network_routes[];
extern const struct api_route api_volume_routes[];
extern const struct api_route api_transfer_routes[];
extern const struct api_route api_build_routes[];
extern const struct api_route api_archive_routes[];
extern const struct api_route api_swarm_routes[];

/* POST /images/create?fromSrc=-: an image from the body's tar (routes_transfer.c). */
int api_image_import(struct api_req *r);

#endif
