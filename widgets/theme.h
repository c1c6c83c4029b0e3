/* Console colours. A theme gives each role (header, selected row, running
 * state, log match...) a foreground, a background and attributes. Theme
 * files hold one role a line:
 *
 *     # comment
 *     table.selected = black cyan bold
 *     log.time       = 244
 *
 * Colours are names (black red green yellow blue magenta cyan white, each
 * also as bright-<name>), numbers 0-255, #rrggbb, or default/- for the
 * terminal's own colour (its background shows through). Attributes: bold
 * dim italic underline reverse standout blink normal. A missing background
 * means default. Roles a file leaves out keep the built-in (dark) values.
 *
 * theme_apply maps the colours down to what the terminal has (256, 16, 8)
 * and, with no colour at all (NO_COLOR, a monochrome terminal), keeps the
 * attributes and adds each role's own so that selection, matches and marks
 * stay visible. */
#ifndef BERTH_WIDGETS_THEME_H
#define BERTH_WIDGETS_THEME_H

#include "engine/core/error.h"
#include "widgets/widget.h"

enum theme_role {
	THEME_DEFAULT,
	THEME_HEADER,
	THEME_STATUS,
	THEME_STATUS_ERROR,
	THEME_KEY,
	THEME_KEY_LABEL,
	THEME_BORDER,
	THEME_BORDER_FOCUS,
	THEME_TITLE,
	THEME_TITLE_FOCUS,
	THEME_TABLE_HEADER,
	THEME_SELECTED,
	THEME_SELECTED_INACTIVE,
	THEME_MARKED,
	THEME_DIM,
	THEME_STATE_RUNNING,
	THEME_STATE_PAUSED,
	THEME_STATE_RESTARTING,
	THEME_STATE_EXITED,
	THEME_STATE_CREATED,
	THEME_STATE_DEAD,
	THEME_LOG_TIME,
	THEME_LOG_STDERR,
	THEME_LOG_MATCH,
	THEME_LOG_MATCH_CURRENT,
	THEME_LOG_NOTICE,
	THEME_LOG_NAME1,
	THEME_LOG_NAME2,
	THEME_LOG_NAME3,
	THEME_LOG_NAME4,
	THEME_LOG_NAME5,
	THEME_LOG_NAME6,
	THEME_SPARK_CPU,
	THEME_SPARK_MEM,
	THEME_GAUGE_FILL,
	THEME_GAUGE_WARN,
	THEME_GAUGE_CRIT,
	THEME_GAUGE_EMPTY,
	THEME_JSON_KEY,
	THEME_JSON_STRING,
	THEME_JSON_NUMBER,
	THEME_JSON_BOOL,
	THEME_JSON_NULL,
	THEME_JSON_PUNCT,
	THEME_FORM_LABEL,
	THEME_FORM_FIELD,
	THEME_FORM_FIELD_FOCUS,
	THEME_BUTTON,
	THEME_BUTTON_FOCUS,
	THEME_DIALOG,
	THEME_PROMPT,
	THEME_ERROR,
	THEME_WARNING,
	THEME_ROLE_COUNT
};

#define THEME_LOG_NAMES 6

/* Colours: -1 is the terminal's default, 0-255 the xterm palette. */
struct theme_style {
	short fg, bg;
	attr_t attrs;
};

struct theme {
	char name[64];
	struct theme_style style[THEME_ROLE_COUNT];
};

/* Fills t with the built-in theme (the same as themes/dark.theme). */
void theme_defaults(struct theme *t);

/* Reads theme text over what t holds; origin names it in errors
 * ("dark.theme:12: unknown colour 'reed'"). */
int theme_parse(struct theme *t, const char *text, const char *origin, berr *err);

/* theme_defaults, then the file at path. */
int theme_load_file(struct theme *t, const char *path, berr *err);

/* Loads a theme by name ("dark") from the user's directory
 * ($XDG_CONFIG_HOME or ~/.config, then berth/themes/NAME.theme), then the
 * built-in directory; a name with a slash is a path. */
int theme_load(struct theme *t, const char *name, berr *err);

/* Where the built-in theme files are (default: BERTH_THEMES_DIR, else the
 * themes/ folder next to or above the executable, else
 * /usr/share/berth/themes). */
void theme_set_builtin_dir(const char *dir);

/* The role named in theme files ("table.selected"), or -1. */
int theme_role_from_name(const char *name);
const char *theme_role_name(enum theme_role role);

/* Reads one colour word; -1 when it is not one. *color gets -1 for default. */
int theme_parse_color(const char *word, short *color);

/* Maps a 256-palette colour into a terminal with `colors` colours (256, 16,
 * 8). On 8 colours a bright foreground becomes its base colour and *extra
 * gets A_BOLD (grey becomes white with A_DIM). */
short theme_color_degrade(short color, int colors, attr_t *extra);

/* Makes t the active theme: sets up colour pairs for term_colors() colours
 * (call term_detect first). */
int theme_apply(const struct theme *t);

/* The attributes and colour pair of a role in the active theme. */
attr_t theme_attr(int role);

#endif
