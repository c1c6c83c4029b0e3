/* --format values, as `ps`, `images` and `inspect` use them: Docker's
 * keywords resolved (tmpl_docker_format), the template parsed, and, when it
 * parses, rendered against a small object shaped like a `ps` row and an
 * `inspect` result, with the table header and the tabwriter when the format
 * asks for a table. */
#include <jansson.h>

#include "cli/tabwriter.h"
#include "cli/template.h"
#include "fuzz/fuzz.h"

static const char data_json[] =
	"{\"ID\":\"3f2a1b4c5d6e\",\"Names\":\"web\",\"Image\":\"busybox\","
	"\"Command\":\"sh -c 'sleep 1'\",\"Status\":\"Up 2 minutes\","
	"\"State\":{\"Running\":true,\"Pid\":42,\"ExitCode\":0,\"Health\":null},"
	"\"Labels\":{\"com.x\":\"1\",\"tier\":\"front\"},\"Ports\":\"\","
	"\"Args\":[\"-c\",\"sleep 1\"],\"Mounts\":[{\"Type\":\"bind\",\"RW\":true},"
	"{\"Type\":\"volume\",\"RW\":false}],\"Numbers\":{\"ratio\":1.5,\"big\":1e21,"
	"\"neg\":-2,\"int\":12,\"small\":0.0001},\"Empty\":\"\",\"None\":[],\"Nothing\":{},"
	"\"Text\":\"h\u00e9llo w\u00f6rld\"}";

static const char header_json[] =
	"{\"ID\":\"CONTAINER ID\",\"Names\":\"NAMES\",\"Image\":\"IMAGE\",\"Status\":\"STATUS\","
	"\"Labels\":\"LABELS\"}";

static json_t *data, *header;

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char *format = fuzz_string(in, size), *text, *out = NULL;
	struct tabwriter *tw = NULL;
	struct tmpl *t = NULL;
	berr err = {0};

	if (!data) {
		data = json_loads(data_json, 0, NULL);
		header = json_loads(header_json, 0, NULL);
		FUZZ_CHECK(data && header);
	}
	tmpl_strip_table(format);
	tmpl_expand_keyword(format);
	text = tmpl_docker_format(format);
	if (tmpl_parse(&t, text, &err) < 0) {
		FUZZ_CHECK(t == NULL && err.kind == BERR_INVALID);
		goto out;
	}
	if (tmpl_is_table(format)) {
		tw = tabwriter_new(10, 3);
		if (tmpl_render_header(t, header, &out, &err) == 0) {
			tabwriter_write(tw, out);
			tabwriter_write(tw, "\n");
		}
		free(out);
		out = NULL;
	}
	if (tmpl_render(t, data, &out, &err) == 0) {
		FUZZ_CHECK(out != NULL);
		if (tw)
			tabwriter_write(tw, out);
	} else {
		FUZZ_CHECK(err.kind == BERR_INVALID);
	}
	free(out);
	out = NULL;
	if (tmpl_render(t, NULL, &out, &err) == 0)
		free(out);
	if (tw) {
		free(tabwriter_flush(tw));
		tabwriter_free(tw);
	}
out:
	tmpl_free(t);
	free(text);
	free(format);
	return 0;
}
