/* The schema, as numbered migrations. A migration is never edited once
 * released: add a new one. store_open applies those above user_version. */
#include "engine/store/migrations.h"

#include <stddef.h>

static const char *const migration_1 =
	"CREATE TABLE images ("
	"  id TEXT PRIMARY KEY,"              /* sha256:<hex of config bytes> */
	"  config BLOB NOT NULL,"             /* the exact config bytes */
	"  created INTEGER NOT NULL,"         /* unix nanoseconds, from the config */
	"  size INTEGER NOT NULL DEFAULT 0,"  /* bytes of all its layers */
	"  parent TEXT NOT NULL DEFAULT '',"  /* local parent image (commit, build) */
	"  loaded INTEGER NOT NULL"           /* unix nanoseconds it entered this store */
	");"
	"CREATE TABLE layers ("
	"  chain_id TEXT PRIMARY KEY,"        /* sha256:<hex> */
	"  diff_id TEXT NOT NULL,"
	"  parent TEXT NOT NULL DEFAULT '',"  /* chain id below, '' for a base layer */
	"  size INTEGER NOT NULL DEFAULT 0"   /* bytes unpacked */
	");"
	"CREATE TABLE image_layers ("
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"        /* 0 = base layer */
	"  chain_id TEXT NOT NULL REFERENCES layers(chain_id),"
	"  PRIMARY KEY (image_id, position)"
	");"
	"CREATE INDEX image_layers_chain ON image_layers(chain_id);"
	"CREATE TABLE tags ("
	"  reference TEXT PRIMARY KEY,"       /* normalized: docker.io/library/busybox:latest */
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  created INTEGER NOT NULL"
	");"
	"CREATE INDEX tags_image ON tags(image_id);"
	"CREATE TABLE containers ("
	"  id TEXT PRIMARY KEY,"              /* 64 hex */
	"  name TEXT NOT NULL UNIQUE,"        /* without the leading slash */
	"  image_id TEXT NOT NULL,"
	"  image_ref TEXT NOT NULL,"          /* as the user wrote it */
	"  layers TEXT NOT NULL,"             /* JSON array of chain ids, base first */
	"  created INTEGER NOT NULL,"         /* unix nanoseconds */
	"  state TEXT NOT NULL,"              /* created running paused restarting removing exited dead */
	"  pid INTEGER NOT NULL DEFAULT 0,"
	"  shim_pid INTEGER NOT NULL DEFAULT 0,"
	"  exit_code INTEGER NOT NULL DEFAULT 0,"
	"  started_at INTEGER NOT NULL DEFAULT 0,"
	"  finished_at INTEGER NOT NULL DEFAULT 0,"
	"  oom_killed INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT NOT NULL DEFAULT '',"
	"  restart_count INTEGER NOT NULL DEFAULT 0,"
	"  config TEXT NOT NULL,"             /* Docker's Config object, JSON */
	"  host_config TEXT NOT NULL"         /* Docker's HostConfig object, JSON */
	");"
	"CREATE INDEX containers_image ON containers(image_id);"
	"CREATE TABLE events ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time_nano INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  attributes TEXT NOT NULL DEFAULT '{}'"
	");"
	"CREATE INDEX events_time ON events(time_nano);";

/* Volumes and the mounts each container was created with. A mount row
 * names its volume ('' for binds and tmpfs), which is how a volume in use
 * is found; spec is the resolved mount point as JSON. */
static const char *const migration_2 =
	"CREATE TABLE volumes ("
	"  name TEXT PRIMARY KEY,"
	"  driver TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"         /* unix nanoseconds */
	"  labels TEXT NOT NULL DEFAULT '{}',"  /* JSON object */
	"  options TEXT NOT NULL DEFAULT '{}'"  /* JSON object: the driver's -o options */
	");"
	"CREATE TABLE container_mounts ("
	"  container_id TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  volume TEXT NOT NULL DEFAULT '',"
	"  spec TEXT NOT NULL,"
	"  PRIMARY KEY (container_id, position)"
	");"
	"CREATE INDEX container_mounts_volume ON container_mounts(volume);";

/* Networks and their endpoints. A network's IPAM configuration is one
 * IPv4 subnet with its gateway and optional range and auxiliary addresses;
 * bridge is the kernel link a bridge network uses. An endpoint is a
 * container's place on a network: its address is leased while the row
 * lives. */
static const char *const migration_3 =
	"CREATE TABLE networks ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  driver TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"          /* unix nanoseconds */
	"  subnet TEXT NOT NULL DEFAULT '',"   /* a.b.c.d/n; '' for host and none */
	"  gateway TEXT NOT NULL DEFAULT '',"
	"  ip_range TEXT NOT NULL DEFAULT '',"
	"  aux TEXT NOT NULL DEFAULT '{}',"     /* JSON object: name -> address */
	"  internal INTEGER NOT NULL DEFAULT 0,"
	"  bridge TEXT NOT NULL DEFAULT '',"   /* the link's name */
	"  labels TEXT NOT NULL DEFAULT '{}',"
	"  options TEXT NOT NULL DEFAULT '{}'"
	");"
	"CREATE TABLE network_endpoints ("
	"  network_id TEXT NOT NULL REFERENCES networks(id),"
	"  container_id TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"  /* a.b.c.d */
	"  mac TEXT NOT NULL DEFAULT '',"
	"  aliases TEXT NOT NULL DEFAULT '[]'," /* JSON array */
	"  PRIMARY KEY (network_id, container_id)"
	");"
	"CREATE UNIQUE INDEX network_endpoints_address ON network_endpoints(network_id, address)"
	"  WHERE address != '';";

/* A container's attachments: an endpoint row lives from the container's
 * create (or connect) to its removal (or disconnect); config is what the
 * container asked for (Docker's EndpointSettings: IPAMConfig, Aliases,
 * MacAddress, the network's name), position orders its links (eth0
 * first), and address, mac and endpoint_id are filled while it runs.
 * Published ports are leased at start and released at exit, one row per
 * host address, protocol and port. */
static const char *const migration_4 =
	"ALTER TABLE network_endpoints ADD COLUMN config TEXT NOT NULL DEFAULT '{}';"
	"ALTER TABLE network_endpoints ADD COLUMN position INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE network_endpoints ADD COLUMN endpoint_id TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX network_endpoints_container ON network_endpoints(container_id);"
	"CREATE TABLE published_ports ("
	"  container_id TEXT NOT NULL,"
	"  proto TEXT NOT NULL,"           /* tcp udp sctp */
	"  host_ip TEXT NOT NULL,"         /* 0.0.0.0 for every address */
	"  host_port INTEGER NOT NULL,"
	"  container_port INTEGER NOT NULL,"
	"  address TEXT NOT NULL,"         /* the container's, where traffic goes */
	"  PRIMARY KEY (proto, host_ip, host_port)"
	");"
	"CREATE INDEX published_ports_container ON published_ports(container_id);";

/* IPv6: a network's second subnet and gateway ('' when it has none), and
 * an endpoint's IPv6 address while it runs; which subnets the user gave
 * (bit 0 IPv4, bit 1 IPv6: only those take --ip and --ip6). */
static const char *const migration_5 =
	"ALTER TABLE networks ADD COLUMN subnet6 TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE networks ADD COLUMN gateway6 TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE networks ADD COLUMN subnet_given INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE network_endpoints ADD COLUMN address6 TEXT NOT NULL DEFAULT '';"
	"CREATE UNIQUE INDEX network_endpoints_address6 ON network_endpoints(network_id, address6)"
	"  WHERE address6 != '';";

/* Migration 6: where a layer's compressed blob is known to be, as Docker's
 * distribution metadata keeps it: pulled from, or pushed to, a repository
 * of a registry. A push asks the registry about these first (and mounts
 * from another repository of it) rather than compressing and uploading. */
static const char *const migration_6 =
	"CREATE TABLE layer_sources ("
	"  diff_id TEXT NOT NULL,"
	"  digest TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  media_type TEXT NOT NULL,"
	"  registry TEXT NOT NULL,"
	"  repository TEXT NOT NULL,"
	"  PRIMARY KEY (diff_id, registry, repository, digest)"
	");";

/* Migration 7: the build cache. A step's image is found again by a key
 * over its parent image, its instruction (expanded), the build args it
 * uses and the checksum of the files it copies; the parts are kept too,
 * to say why a step missed. An entry goes with its image. */
static const char *const migration_7 =
	"CREATE TABLE build_cache ("
	"  key TEXT PRIMARY KEY,"               /* sha256 hex over the parts */
	"  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  parent TEXT NOT NULL,"
	"  instruction TEXT NOT NULL,"
	"  args TEXT NOT NULL,"
	"  files TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"           /* unix nanoseconds */
	"  last_used INTEGER NOT NULL"
	");"
	"CREATE INDEX build_cache_parent ON build_cache(parent);"
	"CREATE INDEX build_cache_image ON build_cache(image_id);";

/* Migration 8: each cached step's own bytes (its layer), so that the
 * collection after a build knows the cache's size in one query. */
static const char *const migration_8 =
	"ALTER TABLE build_cache ADD COLUMN size INTEGER NOT NULL DEFAULT 0;";

/* Migration 9: an image a build made as one of its steps (not the image
 * the build gave): cache, hidden from `images` as Docker hides a classic
 * build's intermediate images, and pruned by `builder prune`. */
static const char *const migration_9 =
	"ALTER TABLE images ADD COLUMN intermediate INTEGER NOT NULL DEFAULT 0;";

/* Migration 10: where a cached step came from (the context and the
 * Dockerfile, and the line), so that a miss can say which line changed. */
static const char *const migration_10 =
	"ALTER TABLE build_cache ADD COLUMN origin TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE build_cache ADD COLUMN line INTEGER NOT NULL DEFAULT 0;";

/* Migration 11: a number that grows with every write to the tables a
 * container list is made of, so that an engine can keep the list's rows
 * and know, in one query, whether they still hold (any process's write
 * counts, the CLI's as much as the daemon's). */
static const char *const migration_11 =
	"CREATE TABLE container_list_generation (n INTEGER NOT NULL);"
	"INSERT INTO container_list_generation VALUES (0);"
	"CREATE TRIGGER containers_insert_counts AFTER INSERT ON containers"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER containers_update_counts AFTER UPDATE ON containers"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER containers_delete_counts AFTER DELETE ON containers"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER container_mounts_insert_counts AFTER INSERT ON container_mounts"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER container_mounts_update_counts AFTER UPDATE ON container_mounts"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER container_mounts_delete_counts AFTER DELETE ON container_mounts"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER volumes_insert_counts AFTER INSERT ON volumes"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER volumes_update_counts AFTER UPDATE ON volumes"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER volumes_delete_counts AFTER DELETE ON volumes"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER networks_insert_counts AFTER INSERT ON networks"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER networks_update_counts AFTER UPDATE ON networks"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER networks_delete_counts AFTER DELETE ON networks"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER network_endpoints_insert_counts AFTER INSERT ON network_endpoints"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER network_endpoints_update_counts AFTER UPDATE ON network_endpoints"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER network_endpoints_delete_counts AFTER DELETE ON network_endpoints"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER published_ports_insert_counts AFTER INSERT ON published_ports"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER published_ports_update_counts AFTER UPDATE ON published_ports"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;"
	"CREATE TRIGGER published_ports_delete_counts AFTER DELETE ON published_ports"
	"  BEGIN UPDATE container_list_generation SET n = n + 1; END;";

static const char *const migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
	migration_6,
	migration_7,
	migration_8,
	migration_9,
	migration_10,
	migration_11,
};

int migrations_count(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

const char *migrations_sql(int version)
{
	if (version < 1 || version > migrations_count())
		return NULL;
	return migrations[version - 1];
}
