/* Random container names and the container name rule. */
#include "engine/core/names.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static const char *const adjectives[] = {
	"able",     "agile",    "airy",      "amber",    "ample",    "ardent",   "astute",
	"balmy",    "blithe",   "bouncy",    "breezy",   "bright",   "brisk",    "bubbly",
	"calm",     "candid",   "cheery",    "chipper",  "civil",    "cosmic",   "cozy",
	"crisp",    "curious",  "daring",    "dapper",   "deft",     "devoted",  "diligent",
	"earnest",  "earthy",   "easy",      "fair",     "fearless", "fluent",   "fond",
	"frank",    "gentle",   "giddy",     "glad",     "gleaming", "golden",   "grand",
	"hardy",    "hearty",   "honest",    "humble",   "idle",     "jaunty",   "jazzy",
	"joyful",   "kindred",  "lively",    "lucky",    "mellow",   "merry",    "mighty",
	"mindful",  "misty",    "nimble",    "noble",    "patient",  "placid",   "plucky",
	"poised",   "polite",   "proud",     "quick",    "quiet",    "radiant",  "rapid",
	"ready",    "robust",   "rosy",      "rustic",   "sage",     "serious",  "shiny",
	"sincere",  "snappy",   "snug",      "spry",     "steady",   "sturdy",   "sunny",
	"swift",    "tidy",     "tranquil",  "trusty",   "valiant",  "vivid",    "warm",
	"wary",     "whimsical", "wise",     "witty",    "zany",     "zesty",    "brave",
	"lucid",    "stellar",
};

static const char *const surnames[] = {
	"abel",        "adleman",     "agnesi",      "aiken",       "alhazen",
	"allen",       "ampere",      "anning",      "archimedes",  "avogadro",
	"babbage",     "backus",      "bardeen",     "bartik",      "bell",
	"bernoulli",   "bohr",        "boole",       "born",        "bose",
	"boyle",       "bragg",       "brahe",       "brattain",    "burnell",
	"cantor",      "carnot",      "carson",      "cavendish",   "cerf",
	"chandrasekhar", "chebyshev", "clausius",    "codd",        "copernicus",
	"coulomb",     "cray",        "crick",       "curie",       "dalton",
	"darwin",      "dedekind",    "descartes",   "diffie",      "dijkstra",
	"dirac",       "doppler",     "eckert",      "edison",      "ehrenfest",
	"einstein",    "engelbart",   "euclid",      "euler",       "faraday",
	"fermat",      "fermi",       "feynman",     "fibonacci",   "fleming",
	"fourier",     "franklin",    "fresnel",     "galileo",     "galois",
	"galvani",     "gauss",       "germain",     "gibbs",       "godel",
	"goldwasser",  "goodall",     "hamilton",    "hamming",     "hawking",
	"heaviside",   "heisenberg",  "hellman",     "helmholtz",   "herschel",
	"hertz",       "hilbert",     "hodgkin",     "hooke",       "hopper",
	"hubble",      "huygens",     "hypatia",     "jacobi",      "jemison",
	"joule",       "kahn",        "kay",         "kelvin",      "kepler",
	"kilby",       "knuth",       "kolmogorov",  "kovalevskaya", "lagrange",
	"lamarr",      "lamport",     "laplace",     "lavoisier",   "leavitt",
	"leibniz",     "lemaitre",    "liskov",      "lister",      "lorentz",
	"lovelace",    "lyapunov",    "markov",      "mauchly",     "maxwell",
	"mcclintock",  "meitner",     "mendel",      "mendeleev",   "michelson",
	"minsky",      "mirzakhani",  "mobius",      "moore",       "morse",
	"napier",      "nash",        "neumann",     "newton",      "nobel",
	"noether",     "ohm",         "pascal",      "pasteur",     "pauli",
	"pauling",     "pike",        "planck",      "poincare",    "ptolemy",
	"ramanujan",   "riemann",     "ritchie",     "rivest",      "rontgen",
	"rutherford",  "sagan",       "salk",        "schrodinger", "shamir",
	"shannon",     "snell",       "somerville",  "stokes",      "stroustrup",
	"sutherland",  "tarjan",      "tesla",       "thompson",    "thomson",
	"thorne",      "torvalds",    "turing",      "volta",       "wallace",
	"watt",        "wiener",      "wilkes",      "wozniak",     "wright",
	"yalow",       "yukawa",      "zuse",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A uniformly chosen index below bound, from the kernel's random pool. */
static size_t random_below(size_t bound)
{
	uint32_t r, limit = UINT32_MAX - UINT32_MAX % (uint32_t)bound;

	do {
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
			/* Names need not be secret: fall back to a clock-seeded rand. */
			static unsigned seed;

			if (!seed)
				seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&seed;
			r = (uint32_t)rand_r(&seed) ^ ((uint32_t)rand_r(&seed) << 16);
		}
	} while (r >= limit);
	return r % bound;
}

/* Picks a random adjective_surname name. */
void names_generate(char *buf, size_t n, unsigned retry)
{
	const char *adj = adjectives[random_below(COUNT(adjectives))];
	const char *who = surnames[random_below(COUNT(surnames))];

	if (n == 0)
		return;
	if (retry > 0)
		snprintf(buf, n, "%s_%s%zu", adj, who, random_below(10));
	else
		snprintf(buf, n, "%s_%s", adj, who);
}

/* Whether c may appear in a container name (first: at the start). */
static bool name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '_' || c == '.' || c == '-');
}

/* Checks a container name against docker's rule. */
bool names_valid(const char *name)
{
	if (name[0] == '/')
		name++;
	if (!name_char(name[0], true) || name[1] == '\0')
		return false;
	for (const char *p = name + 1; *p; p++)
		if (!name_char(*p, false))
			return false;
	return true;
}
