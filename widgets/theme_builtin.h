/* The themes compiled into the binary (generated from the theme files). */
#ifndef BERTH_WIDGETS_THEME_BUILTIN_H
#define BERTH_WIDGETS_THEME_BUILTIN_H

struct theme_builtin {
	const char *name;
	const char *text;
};

/* Ends with {NULL, NULL}. */
extern const struct theme_builtin theme_builtins[];

#endif
