/* Theme files, their colours mapped to the terminal, and the active theme. */
#include "widgets/theme.h"
#include "widgets/theme_builtin.h"

#include "widgets/term.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define D (-1)
#define THEME_MAX_BYTES (64 * 1024)

/* A role: its name in files, its built-in style, and the attributes that
 * carry its meaning when there is no colour. */
struct role_info {
	const char *name;
	struct theme_style dark;
	attr_t mono;
};

static const struct role_info roles[THEME_ROLE_COUNT] = {
	[THEME_DEFAULT] = {"default", {D, D, A_NORMAL}, A_NORMAL},
	[THEME_HEADER] = {"header", {COLOR_BLACK, COLOR_CYAN, A_NORMAL}, A_REVERSE},
	[THEME_STATUS] = {"status", {252, 236, A_NORMAL}, A_NORMAL},
	[THEME_STATUS_ERROR] = {"status.error", {9, 236, A_BOLD}, A_BOLD},
	[THEME_KEY] = {"keybar.key", {D, D, A_BOLD}, A_BOLD},
	[THEME_KEY_LABEL] = {"keybar.label", {COLOR_BLACK, COLOR_CYAN, A_NORMAL}, A_REVERSE},
	[THEME_BORDER] = {"border", {244, D, A_NORMAL}, A_NORMAL},
	[THEME_BORDER_FOCUS] = {"border.focus", {COLOR_CYAN, D, A_BOLD}, A_BOLD},
	[THEME_TITLE] = {"title", {D, D, A_BOLD}, A_BOLD},
	[THEME_TITLE_FOCUS] = {"title.focus", {COLOR_BLACK, COLOR_CYAN, A_BOLD}, A_REVERSE},
	[THEME_TABLE_HEADER] = {"table.header", {COLOR_BLACK, COLOR_GREEN, A_NORMAL},
				A_BOLD | A_UNDERLINE},
	[THEME_SELECTED] = {"table.selected", {COLOR_BLACK, COLOR_CYAN, A_NORMAL}, A_REVERSE},
	[THEME_SELECTED_INACTIVE] = {"table.selected.inactive", {D, 238, A_NORMAL}, A_UNDERLINE},
	[THEME_MARKED] = {"table.marked", {COLOR_YELLOW, D, A_BOLD}, A_BOLD},
	[THEME_DIM] = {"dim", {244, D, A_NORMAL}, A_DIM},
	[THEME_STATE_RUNNING] = {"state.running", {COLOR_GREEN, D, A_NORMAL}, A_BOLD},
	[THEME_STATE_PAUSED] = {"state.paused", {COLOR_YELLOW, D, A_NORMAL}, A_UNDERLINE},
	[THEME_STATE_RESTARTING] = {"state.restarting", {COLOR_MAGENTA, D, A_BOLD}, A_BOLD},
	[THEME_STATE_EXITED] = {"state.exited", {COLOR_RED, D, A_NORMAL}, A_DIM},
	[THEME_STATE_CREATED] = {"state.created", {COLOR_CYAN, D, A_NORMAL}, A_NORMAL},
	[THEME_STATE_DEAD] = {"state.dead", {9, D, A_BOLD}, A_DIM},
	[THEME_LOG_TIME] = {"log.time", {244, D, A_NORMAL}, A_DIM},
	[THEME_LOG_STDERR] = {"log.stderr", {214, D, A_NORMAL}, A_BOLD},
	[THEME_LOG_MATCH] = {"log.match", {COLOR_BLACK, COLOR_YELLOW, A_NORMAL}, A_REVERSE},
	[THEME_LOG_MATCH_CURRENT] = {"log.match.current", {COLOR_BLACK, 208, A_BOLD},
				     A_REVERSE | A_BOLD | A_UNDERLINE},
	[THEME_LOG_NOTICE] = {"log.notice", {COLOR_YELLOW, D, A_NORMAL}, A_DIM},
	[THEME_LOG_NAME1] = {"log.name1", {COLOR_CYAN, D, A_NORMAL}, A_BOLD},
	[THEME_LOG_NAME2] = {"log.name2", {COLOR_YELLOW, D, A_NORMAL}, A_BOLD},
	[THEME_LOG_NAME3] = {"log.name3", {COLOR_GREEN, D, A_NORMAL}, A_BOLD},
	[THEME_LOG_NAME4] = {"log.name4", {COLOR_MAGENTA, D, A_NORMAL}, A_BOLD},
	[THEME_LOG_NAME5] = {"log.name5", {12, D, A_NORMAL}, A_BOLD},
	[THEME_LOG_NAME6] = {"log.name6", {9, D, A_NORMAL}, A_BOLD},
	[THEME_SPARK_CPU] = {"spark.cpu", {COLOR_GREEN, D, A_NORMAL}, A_NORMAL},
	[THEME_SPARK_MEM] = {"spark.mem", {12, D, A_NORMAL}, A_NORMAL},
	[THEME_GAUGE_FILL] = {"gauge.fill", {COLOR_GREEN, D, A_NORMAL}, A_NORMAL},
	[THEME_GAUGE_WARN] = {"gauge.warn", {COLOR_YELLOW, D, A_NORMAL}, A_BOLD},
	[THEME_GAUGE_CRIT] = {"gauge.crit", {9, D, A_BOLD}, A_BOLD},
	[THEME_GAUGE_EMPTY] = {"gauge.empty", {240, D, A_NORMAL}, A_DIM},
	[THEME_JSON_KEY] = {"json.key", {COLOR_CYAN, D, A_NORMAL}, A_BOLD},
	[THEME_JSON_STRING] = {"json.string", {COLOR_GREEN, D, A_NORMAL}, A_NORMAL},
	[THEME_JSON_NUMBER] = {"json.number", {13, D, A_NORMAL}, A_NORMAL},
	[THEME_JSON_BOOL] = {"json.bool", {COLOR_YELLOW, D, A_NORMAL}, A_NORMAL},
	[THEME_JSON_NULL] = {"json.null", {244, D, A_NORMAL}, A_DIM},
	[THEME_JSON_PUNCT] = {"json.punct", {D, D, A_NORMAL}, A_NORMAL},
	[THEME_FORM_LABEL] = {"form.label", {D, D, A_NORMAL}, A_NORMAL},
	[THEME_FORM_FIELD] = {"form.field", {D, 238, A_NORMAL}, A_UNDERLINE},
	[THEME_FORM_FIELD_FOCUS] = {"form.field.focus", {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
				    A_REVERSE},
	[THEME_BUTTON] = {"button", {D, D, A_NORMAL}, A_NORMAL},
	[THEME_BUTTON_FOCUS] = {"button.focus", {COLOR_BLACK, COLOR_CYAN, A_BOLD}, A_REVERSE},
	[THEME_DIALOG] = {"dialog", {D, D, A_NORMAL}, A_NORMAL},
	[THEME_PROMPT] = {"prompt", {D, D, A_NORMAL}, A_NORMAL},
	[THEME_ERROR] = {"error", {9, D, A_BOLD}, A_BOLD},
	[THEME_WARNING] = {"warning", {COLOR_YELLOW, D, A_BOLD}, A_BOLD},
};

static const char *const color_names[8] = {"black", "red",     "green", "yellow",
					   "blue",  "magenta", "cyan",  "white"};

static const struct {
	const char *name;
	attr_t attr;
} attr_names[] = {
	{"normal", A_NORMAL},	  {"bold", A_BOLD},	    {"dim", A_DIM},
	{"italic", A_ITALIC},	  {"underline", A_UNDERLINE}, {"reverse", A_REVERSE},
	{"standout", A_STANDOUT}, {"blink", A_BLINK},
};

static struct {
	bool applied;
	attr_t attr[THEME_ROLE_COUNT];
} active;

static char builtin_dir[PATH_MAX];

/* Fills a theme with the built-in (dark) colours. */
void theme_defaults(struct theme *t)
{
	int i;

	snprintf(t->name, sizeof(t->name), "dark");
	for (i = 0; i < THEME_ROLE_COUNT; i++)
		t->style[i] = roles[i].dark;
}

/* The role a theme file key names, or -1. */
int theme_role_from_name(const char *name)
{
	int i;

	for (i = 0; i < THEME_ROLE_COUNT; i++)
		if (strcmp(roles[i].name, name) == 0)
			return i;
	return -1;
}

/* The theme file key of a role. */
const char *theme_role_name(enum theme_role role)
{
	return role >= 0 && role < THEME_ROLE_COUNT ? roles[role].name : "?";
}

/* A number 0-255 written in decimal, or -1. */
static int parse_index(const char *w)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)w[0]))
		return -1;
	errno = 0;
	v = strtol(w, &end, 10);
	if (errno || *end || v > 255)
		return -1;
	return (int)v;
}

/* The nearest palette entry (16-255) to an RGB colour: the 6x6x6 cube or
 * the grey ramp, whichever is closer. */
static int rgb_to_256(int r, int g, int b);

/* Reads a colour word: a name, 0-255, #rrggbb or default. */
int theme_parse_color(const char *w, short *color)
{
	unsigned int rgb;
	int i, n;
	const char *base = w;

	if (strcmp(w, "default") == 0 || strcmp(w, "-") == 0) {
		*color = -1;
		return 0;
	}
	if ((n = parse_index(w)) >= 0) {
		*color = (short)n;
		return 0;
	}
	if (w[0] == '#' && strlen(w) == 7 && strspn(w + 1, "0123456789abcdefABCDEF") == 6) {
		rgb = (unsigned int)strtoul(w + 1, NULL, 16);
		*color = (short)rgb_to_256((int)(rgb >> 16) & 0xff, (int)(rgb >> 8) & 0xff,
					   (int)rgb & 0xff);
		return 0;
	}
	if (strcmp(w, "grey") == 0 || strcmp(w, "gray") == 0) {
		*color = 8;
		return 0;
	}
	n = 0;
	if (strncmp(w, "bright-", 7) == 0) {
		base = w + 7;
		n = 8;
	}
	for (i = 0; i < 8; i++) {
		if (strcmp(base, color_names[i]) == 0) {
			*color = (short)(n + i);
			return 0;
		}
	}
	return -1;
}

/* The RGB value xterm shows for a palette entry. */
static void palette_rgb(int c, int rgb[3])
{
	static const int base16[16][3] = {
		{0, 0, 0},	 {205, 0, 0},	{0, 205, 0},   {205, 205, 0},
		{0, 0, 238},	 {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
		{127, 127, 127}, {255, 0, 0},	{0, 255, 0},   {255, 255, 0},
		{92, 92, 255},	 {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
	};
	static const int level[6] = {0, 95, 135, 175, 215, 255};

	if (c < 16) {
		memcpy(rgb, base16[c], sizeof(base16[c]));
	} else if (c < 232) {
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[(c / 6) % 6];
		rgb[2] = level[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

/* Squared distance between a palette entry and an RGB colour. */
static long rgb_distance(int c, int r, int g, int b)
{
	int p[3];

	palette_rgb(c, p);
	return (long)(p[0] - r) * (p[0] - r) + (long)(p[1] - g) * (p[1] - g) +
	       (long)(p[2] - b) * (p[2] - b);
}

/* The palette entry in [from, to) nearest to an RGB colour. */
static int nearest(int from, int to, int r, int g, int b)
{
	long best = -1, d;
	int c, pick = from;

	for (c = from; c < to; c++) {
		d = rgb_distance(c, r, g, b);
		if (best < 0 || d < best) {
			best = d;
			pick = c;
		}
	}
	return pick;
}

/* The palette entry (16-255) nearest to an RGB colour. */
static int rgb_to_256(int r, int g, int b)
{
	return nearest(16, 256, r, g, b);
}

/* Maps a palette colour into a terminal with fewer colours. */
short theme_color_degrade(short color, int colors, attr_t *extra)
{
	int rgb[3], c = color;

	if (color < 0 || colors <= 0)
		return -1;
	if (colors >= 256 || color < colors)
		return color;
	if (c >= 16) {
		palette_rgb(c, rgb);
		c = nearest(0, 16, rgb[0], rgb[1], rgb[2]);
	}
	if (colors >= 16 || c < 8)
		return (short)c;
	/* Eight colours: bright ones are the base colour drawn bold; bright
	 * black would vanish on a dark background, so it becomes dim white. */
	if (extra)
		*extra |= c == 8 ? A_DIM : A_BOLD;
	return (short)(c == 8 ? COLOR_WHITE : c - 8);
}

/* The next word of a line (blank separated), NUL-terminated in place. */
static char *next_word(char **p)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

/* One attribute word, or -1. */
static int parse_attr(const char *w, attr_t *attr)
{
	size_t i;

	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
		if (strcmp(w, attr_names[i].name) == 0) {
			*attr |= attr_names[i].attr;
			return 0;
		}
	}
	return -1;
}

/* Reads "key = fg [bg] [attributes]" (line is modified). */
static int parse_line(struct theme *t, char *line, const char *origin, int lineno, berr *err)
{
	struct theme_style st = {-1, -1, A_NORMAL};
	char *eq = strchr(line, '='), *key, *p, *w, *end;
	int role;

	if (!eq)
		return berr_set(err, BERR_INVALID, "%s:%d: expected 'key = fg [bg] [attributes]'",
				origin, lineno);
	*eq = '\0';
	key = line;
	while (*key == ' ' || *key == '\t')
		key++;
	end = key + strlen(key);
	while (end > key && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*key)
		return berr_set(err, BERR_INVALID, "%s:%d: missing key before '='", origin, lineno);
	role = theme_role_from_name(key);
	if (role < 0)
		return berr_set(err, BERR_INVALID, "%s:%d: unknown key '%s'", origin, lineno, key);
	p = eq + 1;
	if (!(w = next_word(&p)))
		return berr_set(err, BERR_INVALID, "%s:%d: missing colour for '%s'", origin, lineno,
				key);
	if (theme_parse_color(w, &st.fg) < 0)
		return berr_set(err, BERR_INVALID, "%s:%d: unknown colour '%s'", origin, lineno, w);
	if ((w = next_word(&p)) && theme_parse_color(w, &st.bg) < 0) {
		if (parse_attr(w, &st.attrs) < 0)
			return berr_set(err, BERR_INVALID, "%s:%d: unknown colour '%s'", origin,
					lineno, w);
	}
	while ((w = next_word(&p))) {
		if (parse_attr(w, &st.attrs) < 0)
			return berr_set(err, BERR_INVALID, "%s:%d: unknown attribute '%s'", origin,
					lineno, w);
	}
	t->style[role] = st;
	return 0;
}

/* Reads theme text, one "key = fg [bg] [attributes]" a line. */
int theme_parse(struct theme *t, const char *text, const char *origin, berr *err)
{
	char *copy = strdup(text), *line, *next, *s;
	int lineno = 0, rc = 0;

	if (!copy)
		return berr_sys(err, "theme %s", origin);
	for (line = copy; line && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line[strcspn(line, "\r")] = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '\0' || *s == '#')
			continue;
		rc = parse_line(t, s, origin, lineno, err);
	}
	free(copy);
	return rc;
}

/* The last component of a path, for error messages and theme names. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Loads a theme file over the built-in colours. */
int theme_load_file(struct theme *t, const char *path, berr *err)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t n;
	int rc;

	if (!f)
		return berr_sys(err, "theme %s", path);
	text = malloc(THEME_MAX_BYTES + 1);
	if (!text) {
		fclose(f);
		return berr_sys(err, "theme %s", path);
	}
	n = fread(text, 1, THEME_MAX_BYTES + 1, f);
	rc = ferror(f) ? berr_sys(err, "theme %s", path) : 0;
	fclose(f);
	if (rc == 0 && n > THEME_MAX_BYTES)
		rc = berr_set(err, BERR_INVALID, "theme %s: larger than %d bytes", path,
			      THEME_MAX_BYTES);
	if (rc == 0) {
		text[n] = '\0';
		if (memchr(text, '\0', n))
			rc = berr_set(err, BERR_INVALID, "theme %s: not a text file", path);
	}
	if (rc == 0) {
		theme_defaults(t);
		rc = theme_parse(t, text, base_name(path), err);
	}
	if (rc == 0) {
		snprintf(t->name, sizeof(t->name), "%s", base_name(path));
		t->name[strcspn(t->name, ".")] = '\0';
	}
	free(text);
	return rc;
}

/* Sets where the built-in theme files are. */
void theme_set_builtin_dir(const char *dir)
{
	snprintf(builtin_dir, sizeof(builtin_dir), "%s", dir ? dir : "");
}

/* True when path names a directory. */
static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Finds the built-in directory (see theme_set_builtin_dir). */
static void find_builtin_dir(char *out, size_t size)
{
	static const char *const near_exe[] = {"themes", "../themes", "../share/berth/themes"};
	char exe[PATH_MAX], *slash;
	const char *env = getenv("BERTH_THEMES_DIR");
	ssize_t n;
	size_t i;

	if (builtin_dir[0]) {
		snprintf(out, size, "%s", builtin_dir);
		return;
	}
	if (env && env[0]) {
		snprintf(out, size, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(near_exe) / sizeof(near_exe[0]); i++) {
			snprintf(out, size, "%s/%s", exe, near_exe[i]);
			if (is_dir(out))
				return;
		}
	}
	snprintf(out, size, "/usr/share/berth/themes");
}

/* The user's theme directory. */
static void user_dir(char *out, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		snprintf(out, size, "%s/berth/themes", xdg);
	else if (home && home[0])
		snprintf(out, size, "%s/.config/berth/themes", home);
	else
		out[0] = '\0';
}

/* A theme name: letters, digits, '.', '_' and '-', not starting with '.'. */
static bool valid_name(const char *name)
{
	return name[0] && name[0] != '.' && strlen(name) < 64 &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
		       strlen(name);
}

/* Loads a theme by name: a file in the user's folder, then one in the
 * themes folder (which add to or override the built-in themes), then the
 * built-in theme of that name. */
int theme_load(struct theme *t, const char *name, berr *err)
{
	char dirs[2][PATH_MAX], path[PATH_MAX + 80];
	int i;

	if (strchr(name, '/'))
		return theme_load_file(t, name, err);
	if (!valid_name(name))
		return berr_set(err, BERR_INVALID, "invalid theme name '%s'", name);
	user_dir(dirs[0], sizeof(dirs[0]));
	find_builtin_dir(dirs[1], sizeof(dirs[1]));
	for (i = 0; i < 2; i++) {
		if (!dirs[i][0])
			continue;
		snprintf(path, sizeof(path), "%s/%s.theme", dirs[i], name);
		if (access(path, R_OK) == 0)
			return theme_load_file(t, path, err);
	}
	for (const struct theme_builtin *b = theme_builtins; b->name; b++)
		if (strcmp(b->name, name) == 0)
			return theme_parse(t, b->text, name, err);
	return berr_set(err, BERR_NOT_FOUND, "no theme named '%s' (looked in %s, %s and the built-in ones)",
			name, dirs[0][0] ? dirs[0] : "no user directory", dirs[1]);
}

/* Finds or makes the colour pair for fg on bg; 0 when pairs ran out. */
static short pair_for(short fg, short bg, short pairs[][2], int *npairs)
{
	int i, limit = COLOR_PAIRS < 256 ? COLOR_PAIRS : 256;

	if (fg == -1 && bg == -1)
		return 0;
	for (i = 1; i < *npairs; i++)
		if (pairs[i][0] == fg && pairs[i][1] == bg)
			return (short)i;
	if (*npairs >= limit || init_pair((short)*npairs, fg, bg) == ERR)
		return 0;
	pairs[*npairs][0] = fg;
	pairs[*npairs][1] = bg;
	return (short)(*npairs)++;
}

/* Makes a theme active: colour pairs mapped to the terminal, or attributes only. */
int theme_apply(const struct theme *t)
{
	short pairs[256][2], fg, bg;
	int colors = term_colors(), npairs = 1, i;
	bool keep_default = false;
	attr_t extra;

	if (colors > 0 && start_color() == ERR)
		colors = 0;
	if (colors > 0)
		keep_default = use_default_colors() == OK;
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		const struct theme_style *st = &t->style[i];

		if (colors == 0) {
			active.attr[i] = st->attrs | roles[i].mono;
			continue;
		}
		extra = A_NORMAL;
		fg = theme_color_degrade(st->fg, colors, &extra);
		bg = theme_color_degrade(st->bg, colors, NULL);
		if (!keep_default) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		/* Two colours that fell onto one would hide the text. */
		if (fg >= 0 && fg == bg && st->fg != st->bg)
			fg = bg == COLOR_BLACK ? COLOR_WHITE : COLOR_BLACK;
		active.attr[i] = st->attrs | extra | COLOR_PAIR(pair_for(fg, bg, pairs, &npairs));
	}
	active.applied = true;
	return 0;
}

/* The attributes and colour pair of a role. */
attr_t theme_attr(int role)
{
	if (role < 0 || role >= THEME_ROLE_COUNT)
		role = THEME_DEFAULT;
	return active.applied ? active.attr[role] : roles[role].mono;
}
