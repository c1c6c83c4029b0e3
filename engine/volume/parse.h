/* Docker's volume syntaxes, without store or kernel: -v, --mount, tmpfs
 * options and volume names. The CLI checks --mount with them before a
 * call, the engine when a container is created. */
#ifndef BERTH_VOLUME_PARSE_H
#define BERTH_VOLUME_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

#define VOLUME_DRIVER_LOCAL "local"

/* Docker's rule for volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool volume_name_valid(const char *name);

/* One -v / HostConfig.Binds entry ("name:/dst[:mode]", "/src:/dst[:mode]")
 * into a mount point object {Type, Name, Source, Destination, Mode, RW,
 * Propagation, CopyData, CreateSource}. Errors are Docker's ("invalid
 * volume specification: '<spec>'...", "invalid mode: <mode>"). */
int volume_parse_bind(const char *spec, json_t **out, berr *err);

/* One --mount value ("type=volume,src=v,dst=/d,readonly,...") into the
 * Engine API's Mount object {Type, Source, Target, ReadOnly,
 * VolumeOptions, BindOptions, TmpfsOptions}. Errors are the docker CLI's. */
int volume_parse_mount_flag(const char *value, json_t **out, berr *err);

/* Checks an Engine API Mount object as Docker does ("invalid mount config
 * for type \"bind\": bind source path does not exist: /nope") and turns it
 * into a mount point object (a volume's Name stays "" for an anonymous one). */
int volume_mount_from_api(json_t *mount, json_t **out, berr *err);

/* Merges tmpfs options after Docker's defaults (noexec,nosuid,nodev),
 * later ones winning: "size=1m,exec" -> "nosuid,nodev,size=1m,exec". */
int volume_tmpfs_options(const char *user, char *out, size_t n, berr *err);

/* Go's path.Clean, as Docker cleans mount destinations. */
void volume_clean_path(const char *in, char *out, size_t n);

/* "<container>[:ro|rw]" of --volumes-from. */
int volume_parse_volumes_from(const char *spec, char *container, size_t n, bool *readonly,
			   berr *err);

#endif
