/* --format templates: Go text/template semantics over JSON values, Docker's
 * functions and keywords, and Go's parse and execution error messages. The
 * expected strings were checked against the docker CLI where it can run the
 * same template. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/tabwriter.h"
#include "cli/template.h"

/* A row as `docker ps` formats it. */
static const char *ps_row = "{'ID':'3f2a1b4c5d6e','Image':'busybox','Command':'sh -c sleep',"
			    "'Names':'web','State':'running','Status':'Up 2 minutes','Ports':'',"
			    "'Labels':{'com.x':'1','b':'two'},'Size':0}";

/* An object as `docker inspect` shows a container, plus a few number shapes. */
static const char *inspect =
	"{'Id':'3f2a1b4c5d6e','Name':'/web','Path':'sh','Args':['-c','sleep 1000'],"
	"'State':{'Status':'running','Running':true,'Paused':false,'Pid':4242,"
	"'ExitCode':0,'Health':null},"
	"'Config':{'Image':'busybox','Env':['A=1','B=2'],'Cmd':null,"
	"'Labels':{'com.x':'1','b':'two'},'Tty':false},"
	"'Mounts':[{'Type':'bind','Source':'/a','Destination':'/x','RW':true},"
	"{'Type':'volume','Source':'/b','Destination':'/y','RW':false}],"
	"'NetworkSettings':{'Networks':{'bridge':{'IPAddress':'172.17.0.2'},"
	"'alpha':{'IPAddress':'10.0.0.2'}},'Ports':{}},"
	"'Numbers':{'ratio':1.5,'big':1e21,'million':1000000.0,'small':0.0001,"
	"'tiny':0.00001,'whole':100.0,'neg':-2,'int':1234567,'zero':0,'rzero':0.0},"
	"'Empty':'','None':[],'Nothing':{},'Mixed':{'n':1,'s':'x'}}";

/* JSON written with single quotes, to keep the C strings readable. */
static json_t *load(const char *text)
{
	char *s = strdup(text);
	json_error_t jerr;
	json_t *v;

	for (char *p = s; *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
	v = json_loads(s, JSON_DECODE_ANY, &jerr);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, jerr.text);
	free(s);
	return v;
}

static void expect(const char *tpl, const char *json, const char *want)
{
	json_t *data = json ? load(json) : NULL;
	struct tmpl *t = NULL;
	berr err = {0};
	char *out = NULL;

	if (tmpl_parse(&t, tpl, &err) < 0)
		fail_msg("parsing %s: %s", tpl, err.msg);
	if (tmpl_render(t, data, &out, &err) < 0)
		fail_msg("running %s: %s", tpl, err.msg);
	if (strcmp(out, want) != 0)
		fail_msg("template %s\n got: [%s]\nwant: [%s]", tpl, out, want);
	free(out);
	tmpl_free(t);
	json_decref(data);
}

static void expect_parse_error(const char *tpl, const char *want)
{
	struct tmpl *t = (struct tmpl *)1;
	berr err = {0};

	if (tmpl_parse(&t, tpl, &err) == 0)
		fail_msg("template %s parsed; wanted: %s", tpl, want);
	assert_null(t);
	assert_int_equal(err.kind, BERR_INVALID);
	if (strcmp(err.msg, want) != 0)
		fail_msg("template %s\n got: %s\nwant: %s", tpl, err.msg, want);
}

static void expect_exec_error(const char *tpl, const char *json, const char *want)
{
	json_t *data = json ? load(json) : NULL;
	struct tmpl *t = NULL;
	berr err = {0};
	char *out = (char *)1;

	if (tmpl_parse(&t, tpl, &err) < 0)
		fail_msg("parsing %s: %s", tpl, err.msg);
	if (tmpl_render(t, data, &out, &err) == 0)
		fail_msg("template %s gave [%s]; wanted error %s", tpl, out, want);
	assert_null(out);
	assert_int_equal(err.kind, BERR_INVALID);
	if (strcmp(err.msg, want) != 0)
		fail_msg("template %s\n got: %s\nwant: %s", tpl, err.msg, want);
	tmpl_free(t);
	json_decref(data);
}

static void test_fields(void **state)
{
	(void)state;
	expect("{{.ID}}\t{{.Names}}", ps_row, "3f2a1b4c5d6e\tweb");
	expect("{{.State.Pid}}", inspect, "4242");
	expect("{{.Config.Image}} {{.State.Running}}", inspect, "busybox true");
	expect("{{.NetworkSettings.Networks.bridge.IPAddress}}", inspect, "172.17.0.2");
	expect("plain text", inspect, "plain text");
	expect("", inspect, "");
	/* a missing key prints as Go prints a missing map entry */
	expect("{{.Nope}}", inspect, "<no value>");
	expect("{{.Nope.Deeper.Still}}", inspect, "<no value>");
	expect("{{.State.Nope}}", inspect, "<no value>");
	/* null, like Go's nil interface: no value as an action, <nil> when printed */
	expect("{{.State.Health}}", inspect, "<no value>");
	expect("{{print .State.Health}}", inspect, "<nil>");
	expect("{{.}}", "'just a string'", "just a string");
	expect("{{.}}|{{.X}}", NULL, "<no value>|<no value>");
	expect("{{.X}}", "null", "<no value>");
}

static void test_field_errors(void **state)
{
	(void)state;
	expect_exec_error("{{.Names.First}}", ps_row,
			  "template: :1:8: executing \"\" at <.Names.First>: "
			  "can't evaluate field First in type string");
	expect_exec_error("{{.Name.X}}", inspect,
			  "template: :1:7: executing \"\" at <.Name.X>: "
			  "can't evaluate field X in type string");
	expect_exec_error("{{.State.Pid.X}}", inspect,
			  "template: :1:8: executing \"\" at <.State.Pid.X>: "
			  "can't evaluate field X in type int");
	expect_exec_error("{{.Args.First}}", inspect,
			  "template: :1:7: executing \"\" at <.Args.First>: "
			  "can't evaluate field First in type []interface {}");
	expect_exec_error("{{.Numbers.ratio.X}}", inspect,
			  "template: :1:10: executing \"\" at <.Numbers.ratio.X>: "
			  "can't evaluate field X in type float64");
	expect_exec_error("{{.State.Health.Status}}", inspect,
			  "template: :1:8: executing \"\" at <.State.Health.Status>: "
			  "nil pointer evaluating interface {}.Status");
	expect_exec_error("{{.Name 1}}", inspect,
			  "template: :1:2: executing \"\" at <.Name>: "
			  "Name is not a method but has arguments");
	expect_exec_error("x\n  {{.Name.X}}", inspect,
			  "template: :2:9: executing \"\" at <.Name.X>: "
			  "can't evaluate field X in type string");
}

static void test_printing_values(void **state)
{
	(void)state;
	expect("{{.Numbers.ratio}} {{.Numbers.big}} {{.Numbers.million}} {{.Numbers.whole}}",
	       inspect, "1.5 1e+21 1e+06 100");
	expect("{{.Numbers.small}} {{.Numbers.tiny}} {{.Numbers.neg}} {{.Numbers.int}}", inspect,
	       "0.0001 1e-05 -2 1234567");
	expect("{{.Numbers.zero}} {{.Numbers.rzero}} {{.State.Paused}}", inspect, "0 0 false");
	expect("{{.Args}}", inspect, "[-c sleep 1000]");
	expect("{{.Config.Labels}}", inspect, "map[b:two com.x:1]");
	expect("{{.Mounts}}", inspect,
	       "[map[Destination:/x RW:true Source:/a Type:bind] "
	       "map[Destination:/y RW:false Source:/b Type:volume]]");
	expect("{{.None}} {{.Nothing}} {{.Empty}}|", inspect, "[] map[] |");
	expect("{{.}}", "[1,null,'a',[true]]", "[1 <nil> a [true]]");
	expect("{{.}}", "{'b':{'z':null},'a':1.25}", "map[a:1.25 b:map[z:<nil>]]");
}

static void test_json(void **state)
{
	(void)state;
	expect("{{json .}}", "{'b':1,'a':[true,null,'x'],'c':{}}",
	       "{\"b\":1,\"a\":[true,null,\"x\"],\"c\":{}}");
	expect("{{json .Config}}", inspect,
	       "{\"Image\":\"busybox\",\"Env\":[\"A=1\",\"B=2\"],\"Cmd\":null,"
	       "\"Labels\":{\"com.x\":\"1\",\"b\":\"two\"},\"Tty\":false}");
	expect("{{json .Args}} {{json .Name}} {{json .State.Pid}} {{json .Nope}}", inspect,
	       "[\"-c\",\"sleep 1000\"] \"/web\" 4242 null");
	expect("{{json .Numbers.ratio}} {{json .Numbers.big}} {{json .Numbers.million}} "
	       "{{json .Numbers.whole}} {{json .Numbers.tiny}} {{json 0.0000001}}",
	       inspect, "1.5 1e+21 1000000 100 0.00001 1e-7");
	/* Docker's json does not escape HTML characters; Go always escapes U+2028 */
	expect("{{json \"<a&b>\\\"q\\\"\\\\\\n\\t\\x01\\u2028\"}}", NULL,
	       "\"<a&b>\\\"q\\\"\\\\\\n\\t\\u0001\\u2028\"");
	expect("{{json \"\\xff\"}}", NULL, "\"\\ufffd\"");
	assert_string_equal(tmpl_expand_keyword("json"), "{{json .}}");
	assert_string_equal(tmpl_expand_keyword("{{.ID}}"), "{{.ID}}");
	assert_string_equal(tmpl_expand_keyword("json "), "json ");
	expect(tmpl_expand_keyword("json"), "{'ID':'x'}", "{\"ID\":\"x\"}");
}

static void test_index(void **state)
{
	(void)state;
	expect("{{index .Labels \"com.x\"}}", ps_row, "1");
	expect("{{index .Config.Labels \"b\"}}", inspect, "two");
	/* labels map strings to strings: a missing one is "" as in Docker */
	expect("[{{index .Config.Labels \"nope\"}}]", inspect, "[]");
	expect("[{{index .Nothing \"nope\"}}] [{{index .Config.Cmd \"nope\"}}]", inspect, "[] []");
	expect("{{index .Mixed \"nope\"}}", inspect, "<no value>");
	expect("{{index .Args 1}} {{index .Mounts 1 \"Source\"}}", inspect, "sleep 1000 /b");
	expect("{{index .NetworkSettings \"Networks\" \"alpha\" \"IPAddress\"}}", inspect,
	       "10.0.0.2");
	expect("{{index .Args}}", inspect, "[-c sleep 1000]");
	expect("{{index \"abc\" 1}}", NULL, "98");
	expect("{{(index .Mounts 0).Source}}", inspect, "/a");
}

static void test_index_errors(void **state)
{
	(void)state;
	expect_exec_error("{{index .Name \"x\"}}", inspect,
			  "template: :1:2: executing \"\" at <index .Name \"x\">: "
			  "error calling index: cannot index slice/array with type string");
	expect_exec_error("{{index .Args 5}}", inspect,
			  "template: :1:2: executing \"\" at <index .Args 5>: "
			  "error calling index: index out of range: 5");
	expect_exec_error("{{index .Args -1}}", inspect,
			  "template: :1:2: executing \"\" at <index .Args -1>: "
			  "error calling index: index out of range: -1");
	expect_exec_error("{{index .Config.Labels 1}}", inspect,
			  "template: :1:2: executing \"\" at <index .Config.Labels 1>: "
			  "error calling index: value has type int; should be string");
	expect_exec_error("{{index .State.Running 1}}", inspect,
			  "template: :1:2: executing \"\" at <index .State.Running 1>: "
			  "error calling index: can't index item of type bool");
	expect_exec_error("{{index .Nope 1}}", inspect,
			  "template: :1:2: executing \"\" at <index .Nope 1>: "
			  "error calling index: index of untyped nil");
}

static void test_range(void **state)
{
	(void)state;
	expect("{{range .Mounts}}{{.Source}} {{end}}", inspect, "/a /b ");
	expect("{{range $i, $m := .Mounts}}{{$i}}:{{$m.Destination}},{{end}}", inspect,
	       "0:/x,1:/y,");
	expect("{{range $m := .Mounts}}{{$m.Type}};{{end}}", inspect, "bind;volume;");
	/* objects are visited in sorted key order */
	expect("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", inspect,
	       "b=two;com.x=1;");
	expect("{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}};{{end}}",
	       inspect, "alpha 10.0.0.2;bridge 172.17.0.2;");
	expect("{{range .Config.Labels}}{{.}};{{end}}", inspect, "two;1;");
	/* $ stays the root inside range */
	expect("{{range .Args}}{{$.Name}}{{end}}", inspect, "/web/web");
	expect("{{range .None}}x{{else}}empty{{end}}", inspect, "empty");
	expect("{{range .Nothing}}x{{else}}empty{{end}}", inspect, "empty");
	expect("{{range .Nope}}x{{else}}missing{{end}}", inspect, "missing");
	expect("{{range .Config.Cmd}}x{{else}}null{{end}}", inspect, "null");
	expect("{{range .Args}}x{{else}}empty{{end}}", inspect, "xx");
	expect("{{range 3}}{{.}}{{end}}|{{range $i := 2}}{{$i}}{{end}}|{{range 0}}x{{else}}none{{end}}",
	       NULL, "012|01|none");
	expect("{{range $i, $e := .}}{{if eq $i 2}}{{break}}{{end}}{{$e}}{{end}}", "[1,2,3,4]",
	       "12");
	expect("{{range $i, $e := .}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}", "[1,2,3]",
	       "13");
	expect("{{range .}}{{range .}}{{.}}{{end}};{{end}}", "[[1,2],[3]]", "12;3;");
	expect("{{range .}}[{{.}}]{{end}}", "['a',null]", "[a][<no value>]");
	expect_exec_error("{{range .Name}}{{end}}", inspect,
			  "template: :1:8: executing \"\" at <.Name>: range can't iterate over /web");
	expect_exec_error("{{range .Numbers.ratio}}{{end}}", inspect,
			  "template: :1:16: executing \"\" at <.Numbers.ratio>: "
			  "range can't iterate over 1.5");
	expect_exec_error("{{range $i, $j := 3}}{{end}}", NULL,
			  "template: :1:18: executing \"\" at <3>: "
			  "can't use 3 to iterate over more than one variable");
	expect_exec_error("{{range .}}{{.X}}{{end}}", "[null]",
			  "template: :1:13: executing \"\" at <.X>: "
			  "nil pointer evaluating interface {}.X");
}

static void test_if_with(void **state)
{
	(void)state;
	expect("{{if eq .State \"running\"}}up{{else}}down{{end}}", ps_row, "up");
	expect("{{if eq .State \"running\"}}up{{else}}down{{end}}", "{'State':'exited'}", "down");
	expect("{{if .A}}a{{else if .B}}b{{else if .C}}c{{else}}none{{end}}", "{'C':1}", "c");
	expect("{{if .A}}a{{else if .B}}b{{else}}none{{end}}", "{}", "none");
	expect("{{if $x := .Name}}{{$x}}{{end}}", inspect, "/web");
	expect("{{with .State}}{{.Status}} {{$.Name}}{{end}}", inspect, "running /web");
	expect("{{with .Nope}}x{{else}}no{{end}}", inspect, "no");
	expect("{{with .A}}a{{else with .B}}{{.}}{{else}}none{{end}}", "{'B':'b'}", "b");
	expect("{{with $n := .Args}}{{len $n}}{{end}}", inspect, "2");
	expect("{{if and .State.Running (not .State.Paused)}}live{{end}}", inspect, "live");
}

static void test_truth(void **state)
{
	static const char *falsy[] = {"false", "0", "0.0", "''", "[]", "{}", "null"};
	static const char *truthy[] = {"true", "1", "-1", "0.5", "'x'", "[0]", "{'a':null}"};
	char json[64];

	(void)state;
	for (size_t i = 0; i < sizeof(falsy) / sizeof(falsy[0]); i++) {
		snprintf(json, sizeof(json), "{'v':%s}", falsy[i]);
		expect("{{if .v}}T{{else}}F{{end}}{{if not .v}}!{{end}}", json, "F!");
	}
	for (size_t i = 0; i < sizeof(truthy) / sizeof(truthy[0]); i++) {
		snprintf(json, sizeof(json), "{'v':%s}", truthy[i]);
		expect("{{if .v}}T{{else}}F{{end}}{{if not .v}}!{{end}}", json, "T");
	}
	expect("{{if .missing}}T{{else}}F{{end}}", "{}", "F");
}

static void test_trim_and_comments(void **state)
{
	(void)state;
	expect("a  \n {{- .Names -}} \n\t b", ps_row, "awebb");
	expect("a {{- .Names}} b", ps_row, "aweb b");
	expect("a {{.Names -}}\n b", ps_row, "a webb");
	expect("x{{/* a comment */}}y", NULL, "xy");
	expect("x {{- /* trimmed */ -}} y", NULL, "xy");
	expect("{{/* multi\nline */}}z", NULL, "z");
	/* "-3" right after the delimiter is a number, not a trim marker */
	expect("a {{-3}} b", NULL, "a -3 b");
	expect("{{range .Args -}}\n  [{{.}}]\n{{- end}}", inspect, "[-c][sleep 1000]");
}

static void test_literals(void **state)
{
	(void)state;
	expect("{{\"a\\tb\\x41\\101\\u00e9\\U0001F600\\\"\"}}", NULL, "a\tbAAé😀\"");
	expect("{{`raw\\n {{.X}}`}}", NULL, "raw\\n {{.X}}");
	expect("{{1}} {{-5}} {{+3}} {{1_000}} {{0x1F}} {{0o17}} {{017}} {{0b101}}", NULL,
	       "1 -5 3 1000 31 15 15 5");
	expect("{{1.5}} {{1e3}} {{.5}} {{1.}} {{1e-7}} {{123456789.0}} {{0x1p4}}", NULL,
	       "1.5 1000 0.5 1 1e-07 1.23456789e+08 16");
	expect("{{'a'}} {{'\\n'}} {{'\\''}} {{'é'}}", NULL, "97 10 39 233");
	expect("{{true}} {{false}} {{print nil}}", NULL, "true false <nil>");
	expect("{{9223372036854775807}} {{-9223372036854775808}}", NULL,
	       "9223372036854775807 -9223372036854775808");
}

static void test_variables(void **state)
{
	(void)state;
	expect("{{$x := .Name}}{{$x}}", inspect, "/web");
	expect("{{$x := 1}}{{$x = 2}}{{$x}}", NULL, "2");
	/* an assignment inside a block changes the outer variable */
	expect("{{$x := 1}}{{if true}}{{$x = 2}}{{$y := 3}}{{$y}}{{end}}{{$x}}", NULL, "32");
	expect("{{$x := 1}}{{range .}}{{$x = .}}{{end}}{{$x}}", "[5,6]", "6");
	expect("{{$}}", "'root'", "root");
	expect("{{$.Name}} {{$x := .State}}{{$x.Pid}}", inspect, "/web 4242");
	expect("{{$m := .Nope}}{{$m}}", inspect, "<no value>");
}

static void test_pipelines(void **state)
{
	(void)state;
	expect("{{.Names | upper}}", ps_row, "WEB");
	expect("{{.Names | printf \"%s!\"}}", ps_row, "web!");
	expect("{{.Names | printf \"%s-%s\" \"x\"}}", ps_row, "x-web");
	expect("{{len (split .Path \"/\")}}", "{'Path':'/usr/local/bin'}", "4");
	expect("{{(.State).Status}} {{(index .Mounts 1).Type}}", inspect, "running volume");
	expect("{{.Args | len | printf \"%03d\"}}", inspect, "002");
	expect("{{\"abc\" | len}} {{3 | printf \"%d\"}}", NULL, "3 3");
}

static void test_logic(void **state)
{
	(void)state;
	expect("{{and 1 0 2}} {{and 1 2 3}} {{or 0 \"\" 5}} {{or 0 \"\"}}|", NULL, "0 3 5 |");
	/* and/or stop at the deciding argument: the rest is not evaluated */
	expect("{{or 1 (index .Args 99)}} {{and 0 (index .Args 99)}}", inspect, "1 0");
	expect("{{not 0}} {{not \"x\"}}", NULL, "true false");
	expect("{{eq .Names \"web\"}} {{eq .Names \"a\" \"b\" \"web\"}} {{eq .Names \"a\" \"b\"}}",
	       ps_row, "true true false");
	expect("{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}}", NULL,
	       "true true true true false");
	/* integers and reals compare by value */
	expect("{{eq 0.0 .State.ExitCode}} {{lt .State.Pid 5000.5}}", inspect, "true true");
	expect("{{eq .Nope \"x\"}} {{eq nil .Nope}} {{eq .State.Health .Nope}}", inspect,
	       "false true true");
	expect_exec_error("{{eq 1 \"a\"}}", NULL,
			  "template: :1:2: executing \"\" at <eq 1 \"a\">: "
			  "error calling eq: incompatible types for comparison");
	expect_exec_error("{{lt true false}}", NULL,
			  "template: :1:2: executing \"\" at <lt true false>: "
			  "error calling lt: invalid type for comparison");
	expect_exec_error("{{eq .Names}}", ps_row,
			  "template: :1:2: executing \"\" at <eq .Names>: "
			  "error calling eq: missing argument for comparison");
	expect_exec_error("{{eq .Args .Args}}", inspect,
			  "template: :1:2: executing \"\" at <eq .Args .Args>: "
			  "error calling eq: non-comparable type [-c sleep 1000]: []interface {}");
	expect_exec_error("{{and}}", NULL,
			  "template: :1:2: executing \"\" at <and>: "
			  "wrong number of args for and: want at least 1 got 0");
}

static void test_len_slice(void **state)
{
	(void)state;
	expect("{{len .Args}} {{len .Config.Labels}} {{len .Name}} {{len \"héllo\"}} {{len .None}}",
	       inspect, "2 2 4 6 0");
	expect("{{len .Config.Cmd}}", inspect, "0");
	expect("{{slice \"abcdef\" 1 3}} {{slice .Args 1}} {{slice \"abc\"}}", inspect,
	       "bc [sleep 1000] abc");
	expect_exec_error("{{len 3}}", NULL,
			  "template: :1:2: executing \"\" at <len 3>: "
			  "error calling len: len of type int");
	expect_exec_error("{{slice \"abc\" 2 1}}", NULL,
			  "template: :1:2: executing \"\" at <slice \"abc\" 2 1>: "
			  "error calling slice: invalid slice index: 2 > 1");
}

static void test_print_functions(void **state)
{
	(void)state;
	expect("{{print \"a\" 1 2 \"b\" \"c\" 3.5 true nil}}", NULL, "a1 2bc3.5 true <nil>");
	expect("{{println \"a\" 1 nil}}", NULL, "a 1 <nil>\n");
	expect("{{print .Nope}} {{.Nope | print}}", inspect, "<nil> <nil>");
	expect("{{print}}|{{println}}|", NULL, "|\n|");
}

static void test_printf(void **state)
{
	(void)state;
	expect("{{printf \"%s-%d-%v-%q-%x\" \"a\" 3 1.5 \"q\\\"\" \"hi\"}}", NULL,
	       "a-3-1.5-\"q\\\"\"-6869");
	expect("{{printf \"%5s|%-10s|%.2f|%05d|%+d|%x|%X\" \"ab\" \"cd\" 3.14159 -3 5 -255 255}}",
	       NULL, "   ab|cd        |3.14|-0003|+5|-ff|FF");
	expect("{{printf \"%e|%g|%G|%v|%.3g|%8.3f|%-8.2f|\" 1234.5678 0.1 1e21 1e6 1234.5678 "
	       "3.14159 2.5}}",
	       NULL, "1.234568e+03|0.1|1E+21|1e+06|1.23e+03|   3.142|2.50    |");
	expect("{{printf \"%t %c %U %#U %q %o %b %#x\" true 65 65 0x263A 65 8 5 255}}", NULL,
	       "true A U+0041 U+263A '☺' 'A' 10 101 0xff");
	expect("{{printf \"%T %T %T %T %T %T\" \"a\" 1 1.5 true .Args nil}}", inspect,
	       "string int float64 bool []interface {} <nil>");
	expect("{{printf \"%v|%s|%d|%5v\" .Args .Args .Args .Args}}", inspect,
	       "[-c sleep 1000]|[-c sleep 1000]|[%!d(string=-c) %!d(string=sleep 1000)]|"
	       "[   -c sleep 1000]");
	expect("{{printf \"%v\" .Config.Labels}}", inspect, "map[b:two com.x:1]");
	expect("{{printf \"%.2s|%3v|\" \"日本語\" \"日本\"}}", NULL, "日本| 日本|");
	/* Go's complaints, not errors */
	expect("{{printf \"%d %d\" 1}}", NULL, "1 %!d(MISSING)");
	expect("{{printf \"%d\" 1 2 \"x\"}}", NULL, "1%!(EXTRA int=2, string=x)");
	expect("{{printf \"%s|%d|%5d\" 1 \"x\" \"ab\"}}", NULL,
	       "%!s(int=1)|%!d(string=x)|%!d(string=   ab)");
	expect("{{printf \"%z|%\" 1}}", NULL, "%!z(int=1)|%!(NOVERB)");
	/* the flags still apply to the value shown: Go prints int=01 here */
	expect("{{printf \"%.2f|%d\" 1 1.5}}", NULL, "%!f(int=01)|%!d(float64=1.5)");
	expect("{{printf \"%s %v\" nil nil}}", NULL, "%!s(<nil>) <nil>");
	expect("{{printf \"%[2]d %[1]d\" 1 2}}", NULL, "2 1");
	expect("{{printf \"%*d|%-*d|%.*f\" 5 1 4 2 2 3.14159}}", NULL, "    1|2   |3.14");
	expect("{{printf \"100%%\"}}", NULL, "100%");
}

static void test_escapers(void **state)
{
	(void)state;
	expect("{{html \"<a href='x'>&\\\"</a>\"}}", NULL,
	       "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;");
	expect("{{js \"it's <b>\\\"q\\\"</b> = \\\\ \\n\"}}", NULL,
	       "it\\'s \\u003Cb\\u003E\\\"q\\\"\\u003C/b\\u003E \\u003D \\\\ \\u000A");
	expect("{{urlquery \"a b&c=d/é~\"}} {{urlquery 1 \"a b\"}}", NULL,
	       "a+b%26c%3Dd%2F%C3%A9~ 1a+b");
	expect("{{html .Nope}}", inspect, "&lt;no value&gt;");
}

static void test_docker_functions(void **state)
{
	(void)state;
	expect("{{join .Args \",\"}} {{join .Config.Env \" \"}}", inspect, "-c,sleep 1000 A=1 B=2");
	expect("[{{join .None \",\"}}] [{{join .Config.Cmd \",\"}}]", inspect, "[] []");
	expect("{{split \"a,b,,c\" \",\"}} {{split \"abc\" \"\"}} {{split \"\" \",\"}}", NULL,
	       "[a b  c] [a b c] []");
	expect("{{index (split .Image \":\") 0}}", "{'Image':'nginx:latest'}", "nginx");
	expect("{{title \"hello world-foo_bar baz\"}} {{lower \"MiXeD\"}} {{upper \"MiXeD\"}}",
	       NULL, "Hello World-Foo_bar Baz mixed MIXED");
	expect("[{{pad \"x\" 2 3}}] [{{pad \"\" 2 3}}]", NULL, "[  x   ] []");
	expect("{{truncate \"abcdef\" 3}} {{truncate \"ab\" 3}} {{truncate .ID 4}}", ps_row,
	       "abc ab 3f2a");
	expect("{{.Names | upper | lower | title}}", ps_row, "Web");
	expect_exec_error("{{join .Mounts \",\"}}", inspect,
			  "template: :1:7: executing \"\" at <.Mounts>: "
			  "wrong type for value; expected []string; got []interface {}");
	expect_exec_error("{{join \"a\" \",\"}}", NULL,
			  "template: :1:7: executing \"\" at <\"a\">: "
			  "can't handle \"a\" for arg of type []string");
	expect_exec_error("{{upper 1}}", NULL,
			  "template: :1:8: executing \"\" at <1>: expected string; found 1");
	expect_exec_error("{{upper .State.Pid}}", inspect,
			  "template: :1:14: executing \"\" at <.State.Pid>: "
			  "wrong type for value; expected string; got int");
	expect_exec_error("{{upper .Nope}}", inspect,
			  "template: :1:8: executing \"\" at <.Nope>: invalid value; expected string");
	expect_exec_error("{{truncate \"abc\" 1.5}}", NULL,
			  "template: :1:17: executing \"\" at <1.5>: expected integer; found 1.5");
	expect_exec_error("{{truncate \"abc\" -1}}", NULL,
			  "template: :1:2: executing \"\" at <truncate \"abc\" -1>: "
			  "error calling truncate: runtime error: slice bounds out of range [:-1]");
	expect_exec_error("{{upper \"a\" \"b\"}}", NULL,
			  "template: :1:2: executing \"\" at <upper>: "
			  "wrong number of args for upper: want 1 got 2");
	expect_exec_error("{{.Names | pad 1}}", ps_row,
			  "template: :1:11: executing \"\" at <pad>: "
			  "wrong number of args for pad: want 3 got 2");
}

static void test_named_templates(void **state)
{
	(void)state;
	expect("{{define \"x\"}}<{{.}}>{{end}}{{template \"x\" .Name}}{{template \"x\"}}", inspect,
	       "</web><<no value>>");
	expect("{{block \"b\" .Names}}[{{.}}]{{end}}", ps_row, "[web]");
	expect("{{define \"r\"}}{{if .}}{{len .}}{{template \"r\" slice . 1}}{{end}}{{end}}"
	       "{{template \"r\" \"abcd\"}}",
	       NULL, "4321");
	expect_exec_error("{{template \"x\"}}", NULL,
			  "template: :1:11: executing \"\" at <{{template \"x\"}}>: "
			  "template \"x\" not defined");
	expect_exec_error("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" 1}}", NULL,
			  "template: :1:25: executing \"r\" at <{{template \"r\" .}}>: "
			  "exceeded maximum template depth (500)");
	expect_parse_error("{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}",
			   "template parsing error: template: :1: "
			   "template: multiple definition of template \"a\"");
}

static void test_exec_errors(void **state)
{
	(void)state;
	expect_exec_error("{{nil}}", NULL,
			  "template: :1:2: executing \"\" at <nil>: nil is not a command");
	expect_exec_error("{{1 2}}", NULL,
			  "template: :1:2: executing \"\" at <1>: "
			  "can't give argument to non-function 1");
	expect_exec_error("{{$x := 1}}{{$x 2}}", NULL,
			  "template: :1:13: executing \"\" at <$x>: "
			  "can't give argument to non-function $x");
	expect_exec_error("{{18446744073709551615}}", NULL,
			  "template: :1:2: executing \"\" at <18446744073709551615>: "
			  "18446744073709551615 overflows int");
	expect_exec_error("{{$x = 1}}", NULL,
			  "template: :1:7: executing \"\" at <1>: undefined variable: $x");
	/* nothing is printed when a later action fails */
	expect_exec_error("ok {{.ID}} {{.ID.X}}", ps_row,
			  "template: :1:16: executing \"\" at <.ID.X>: "
			  "can't evaluate field X in type string");
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_parse_error("{{.ID", "template parsing error: template: :1: unclosed action");
	expect_parse_error("{{.ID}", "template parsing error: template: :1: bad character U+007D '}'");
	expect_parse_error("{{.ID \n}",
			   "template parsing error: template: :2: unexpected \"}\" in operand");
	expect_parse_error("{{ } }}", "template parsing error: template: :1: unexpected \"}\" in command");
	expect_parse_error("{{nosuch .X}}",
			   "template parsing error: template: :1: function \"nosuch\" not defined");
	expect_parse_error("{{.X | nosuch}}",
			   "template parsing error: template: :1: function \"nosuch\" not defined");
	expect_parse_error("{{if}}", "template parsing error: template: :1: missing value for if");
	expect_parse_error("{{if .X}}", "template parsing error: template: :1: unexpected EOF");
	expect_parse_error("{{range .X}}\n\n", "template parsing error: template: :3: unexpected EOF");
	expect_parse_error("{{end}}", "template parsing error: template: :1: unexpected {{end}}");
	expect_parse_error("{{else}}", "template parsing error: template: :1: unexpected {{else}}");
	expect_parse_error("{{if 1}}a{{else}}b{{else}}c{{end}}",
			   "template parsing error: template: :1: expected end; found {{else}}");
	expect_parse_error("{{range $i, $v, $w := .X}}{{end}}",
			   "template parsing error: template: :1: too many declarations in range");
	expect_parse_error("{{$a, $b := 1, 2}}",
			   "template parsing error: template: :1: too many declarations in command");
	expect_parse_error("{{$x}}", "template parsing error: template: :1: undefined variable \"$x\"");
	expect_parse_error("{{with $x := 1}}{{end}}{{$x}}",
			   "template parsing error: template: :1: undefined variable \"$x\"");
	expect_parse_error("{{.X | 1}}",
			   "template parsing error: template: :1: "
			   "non executable command in pipeline stage 2");
	expect_parse_error("{{(1}}", "template parsing error: template: :1: unclosed left paren");
	expect_parse_error("{{1)}}", "template parsing error: template: :1: unexpected right paren");
	expect_parse_error("{{\"abc}}",
			   "template parsing error: template: :1: unterminated quoted string");
	expect_parse_error("{{`abc}}",
			   "template parsing error: template: :1: unterminated raw quoted string");
	expect_parse_error("{{/* x", "template parsing error: template: :1: unclosed comment");
	expect_parse_error("{{/* x */ .X}}",
			   "template parsing error: template: :1: comment ends before closing delimiter");
	expect_parse_error("{{089}}", "template parsing error: template: :1: integer overflow: \"089\"");
	expect_parse_error("{{1a}}", "template parsing error: template: :1: bad number syntax: \"1a\"");
	expect_parse_error("{{1__0}}",
			   "template parsing error: template: :1: illegal number syntax: \"1__0\"");
	expect_parse_error("{{1.5.X}}",
			   "template parsing error: template: :1: unexpected . after term \"1.5\"");
	expect_parse_error("{{\"\\q\"}}", "template parsing error: template: :1: invalid syntax");
	expect_parse_error("{{'ab'}}",
			   "template parsing error: template: :1: malformed character constant: 'ab'");
	expect_parse_error("{{\n.X\n", "template parsing error: template: :3: "
				       "unclosed action started at :1");
	expect_parse_error("x\ny\n{{.X | | upper}}",
			   "template parsing error: template: :3: unexpected \"|\" in command");
	expect_parse_error("{{break}}",
			   "template parsing error: template: :1: {{break}} outside {{range}}");
	expect_parse_error("{{range .X}}{{continue 1}}{{end}}",
			   "template parsing error: template: :1: unexpected \"1\" in {{continue}}");
	expect_parse_error("{{.X:}}", "template parsing error: template: :1: expected :=");
	expect_parse_error("{{\"a\".X}}", "template parsing error: template: :1: "
					   "unexpected . after term \"\\\"a\\\"\"");
	expect_parse_error("{{template 1}}",
			   "template parsing error: template: :1: unexpected \"1\" in template clause");
	expect_parse_error("{{\x01}}", "template parsing error: template: :1: "
				       "unrecognized character in action: U+0001");
	expect_parse_error("{{printf \"%s\" 1 | .X | 2}}",
			   "template parsing error: template: :1: "
			   "non executable command in pipeline stage 3");
}

static void test_header(void **state)
{
	const char *tpl = "{{.ID}}\t{{.Names | upper}}\t{{json .Labels}}\t{{truncate .Image 3}}"
			  "\t{{lower .Status}}\t{{title .State}}\t{{join .Ports \",\"}}"
			  "\t{{split .Command \" \"}}\t{{pad .Size 1 1}}";
	json_t *header = load("{'ID':'CONTAINER ID','Names':'NAMES','Labels':'LABELS',"
			      "'Image':'IMAGE','Status':'STATUS','State':'STATE','Ports':'PORTS',"
			      "'Command':'COMMAND','Size':'SIZE'}");
	json_t *obj = load("{'Labels':{'a':'b'}}");
	struct tmpl *t;
	berr err = {0};
	char *out;

	(void)state;
	assert_int_equal(tmpl_parse(&t, tpl, &err), 0);
	/* the header keeps its titles where the row transforms values */
	assert_int_equal(tmpl_render_header(t, header, &out, &err), 0);
	assert_string_equal(out, "CONTAINER ID\tNAMES\tLABELS\tIMAGE\tSTATUS\tSTATE\tPORTS"
				 "\tCOMMAND\t SIZE ");
	free(out);
	tmpl_free(t);
	/* a header that cannot be rendered is what rendered before the error, as in Docker */
	assert_int_equal(tmpl_parse(&t, "x{{json .}}y", &err), 0);
	assert_int_equal(tmpl_render_header(t, header, &out, &err), 0);
	assert_string_equal(out, "x");
	free(out);
	assert_int_equal(tmpl_render(t, obj, &out, &err), 0);
	assert_string_equal(out, "x{\"Labels\":{\"a\":\"b\"}}y");
	free(out);
	tmpl_free(t);
	json_decref(obj);
	json_decref(header);
}

static void test_table_keywords(void **state)
{
	char *f;

	(void)state;
	assert_true(tmpl_is_table("table"));
	assert_true(tmpl_is_table("table {{.ID}}"));
	assert_true(tmpl_is_table("table\t{{.ID}}"));
	assert_true(tmpl_is_table("table{{.ID}}"));
	assert_false(tmpl_is_table("tablet"));
	assert_false(tmpl_is_table("{{.ID}} table"));
	assert_false(tmpl_is_table(""));
	assert_false(tmpl_is_table(NULL));
	assert_string_equal(tmpl_strip_table("table {{.ID}}\t{{.Names}}"), "{{.ID}}\t{{.Names}}");
	assert_string_equal(tmpl_strip_table("table"), "");
	assert_string_equal(tmpl_strip_table("table    x"), "x");
	assert_string_equal(tmpl_strip_table("{{.ID}}"), "{{.ID}}");
	f = tmpl_docker_format("table {{.ID}}\\t{{.Names}}\\n");
	assert_string_equal(f, "{{.ID}}\t{{.Names}}\n");
	free(f);
	f = tmpl_docker_format("  {{.ID}}\\t  ");
	assert_string_equal(f, "{{.ID}}\t");
	free(f);
	f = tmpl_docker_format("json");
	assert_string_equal(f, "{{json .}}");
	free(f);
	f = tmpl_docker_format("a\\\\b\\x");
	assert_string_equal(f, "a\\\\b\\x");
	free(f);
}

/* The whole path of a `docker ps --format 'table ...'`: header, rows, alignment. */
static void test_table_output(void **state)
{
	const char *rows[] = {ps_row, "{'ID':'0a1b2c3d4e5f','Names':'proxy','State':'exited',"
				      "'Status':'Exited (0) 2 hours ago','Image':'nginx:latest'}"};
	char *format = tmpl_docker_format("table {{.ID}}\\t{{.Image}}\\t{{.Status}}\\t{{.Names}}");
	json_t *header = load("{'ID':'CONTAINER ID','Image':'IMAGE','Status':'STATUS',"
			      "'Names':'NAMES'}");
	struct tabwriter *tw = tabwriter_new(10, 3);
	struct tmpl *t;
	berr err = {0};
	char *out;

	(void)state;
	assert_int_equal(tmpl_parse(&t, format, &err), 0);
	assert_int_equal(tmpl_render_header(t, header, &out, &err), 0);
	tabwriter_write(tw, out);
	tabwriter_write(tw, "\n");
	free(out);
	for (size_t i = 0; i < 2; i++) {
		json_t *row = load(rows[i]);

		assert_int_equal(tmpl_render(t, row, &out, &err), 0);
		tabwriter_write(tw, out);
		tabwriter_write(tw, "\n");
		free(out);
		json_decref(row);
	}
	out = tabwriter_flush(tw);
	assert_string_equal(out, "CONTAINER ID   IMAGE          STATUS                   NAMES\n"
				 "3f2a1b4c5d6e   busybox        Up 2 minutes             web\n"
				 "0a1b2c3d4e5f   nginx:latest   Exited (0) 2 hours ago   proxy\n");
	free(out);
	tabwriter_free(tw);
	tmpl_free(t);
	json_decref(header);
	free(format);
}

static void test_reuse_and_free(void **state)
{
	json_t *a = load("{'N':'a'}"), *b = load("{'N':'b'}");
	struct tmpl *t;
	berr err = {0};
	char *out;

	(void)state;
	assert_int_equal(tmpl_parse(&t, "{{$x := .N}}{{$x}}{{range $i := 2}}{{$x}}{{end}}", &err), 0);
	assert_int_equal(tmpl_render(t, a, &out, &err), 0);
	assert_string_equal(out, "aaa");
	free(out);
	assert_int_equal(tmpl_render(t, b, &out, &err), 0);
	assert_string_equal(out, "bbb");
	free(out);
	tmpl_free(t);
	tmpl_free(NULL);
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_field_errors),
		cmocka_unit_test(test_printing_values),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_index_errors),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_if_with),
		cmocka_unit_test(test_truth),
		cmocka_unit_test(test_trim_and_comments),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_pipelines),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_len_slice),
		cmocka_unit_test(test_print_functions),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_escapers),
		cmocka_unit_test(test_docker_functions),
		cmocka_unit_test(test_named_templates),
		cmocka_unit_test(test_exec_errors),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_table_keywords),
		cmocka_unit_test(test_table_output),
		cmocka_unit_test(test_reuse_and_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
