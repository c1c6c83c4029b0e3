/* Numbered schema migrations: version N is migrations_sql(N). */
#ifndef BERTH_STORE_MIGRATIONS_H
#define BERTH_STORE_MIGRATIONS_H

int migrations_count(void);
const char *migrations_sql(int version);

#endif
