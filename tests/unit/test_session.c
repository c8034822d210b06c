/*
 * test_session.c: the pre-build a cargo command gets: the command itself
 * with --no-run inserted before any `--`; and how ab --commands splits a
 * command line (cmd_split_words).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bench.h"
#include "session-int.h"

TestSuite(prebuild);

struct prebuild_case {
	const char *cmd[12];
	const char *want; /* joined with spaces; NULL: no pre-build */
};

static char *
joined(char **v)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; v[i] != NULL; i++)
		len += strlen(v[i]) + 1;
	s = calloc(len, 1);
	cr_assert_not_null(s);
	for (i = 0; v[i] != NULL; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, v[i]);
	}
	return s;
}

Test(prebuild, the_measured_command_with_no_run_before_any_dashes)
{
	static const struct prebuild_case cases[] = {
	    {{"cargo", "test", "--workspace", NULL},
	        "cargo test --workspace --no-run"},
	    {{"cargo", "test", "--release", NULL},
	        "cargo test --release --no-run"},
	    /* The plan's own commands. */
	    {{"cargo", "t", "--release", NULL}, "cargo t --release --no-run"},
	    {{"cargo", "test", "-p", "ori_llvm", "--test", "aot", NULL},
	        "cargo test -p ori_llvm --test aot --no-run"},
	    {{"/usr/local/bin/cargo", "test", NULL},
	        "/usr/local/bin/cargo test --no-run"},
	    /* cargo's own options before the subcommand. */
	    {{"cargo", "+nightly", "test", "-p", "x", NULL},
	        "cargo +nightly test -p x --no-run"},
	    {{"cargo", "--locked", "-v", "test", NULL},
	        "cargo --locked -v test --no-run"},
	    {{"cargo", "--color", "never", "--config", "build.jobs=1", "-Z",
	         "unstable-options", "test", NULL},
	        "cargo --color never --config build.jobs=1 -Z unstable-options "
	        "test --no-run"},
	    {{"cargo", "--color=never", "-Zfoo", "bench", "--bench", "b", NULL},
	        "cargo --color=never -Zfoo bench --bench b --no-run"},
	    /* Before the arguments that go to the test binaries. */
	    {{"cargo", "test", "--release", "--", "--nocapture", "--", NULL},
	        "cargo test --release --no-run -- --nocapture --"},
	    {{"cargo", "test", "--no-run", NULL}, "cargo test --no-run"},
	    /* Doc-tests compile when they run: their crate's tests instead. */
	    {{"cargo", "test", "-p", "x", "--doc", NULL},
	        "cargo test -p x --no-run"},
	    /* No --no-run: no pre-build. */
	    {{"cargo", "build", "--release", NULL}, NULL},
	    {{"cargo", "b", NULL}, NULL},
	    {{"cargo", "nextest", "run", NULL}, NULL},
	    {{"cargo", "--version", NULL}, NULL},
	    {{"cargo", "--color", "test", NULL}, NULL},
	    {{"cargo", NULL}, NULL},
	    {{"cargo", "--", "test", NULL}, NULL},
	    {{"make", "test", NULL}, NULL},
	    {{"cargo-test", "test", NULL}, NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char **got = session_cargo_prebuild((char **)cases[i].cmd);
		char *text;

		if (cases[i].want == NULL) {
			cr_expect_null(got, "case %zu: a pre-build", i);
			strv_free(got);
			continue;
		}
		cr_assert_not_null(got, "case %zu: no pre-build", i);
		text = joined(got);
		cr_expect_str_eq(text, cases[i].want, "case %zu", i);
		free(text);
		strv_free(got);
	}
}

/* cmd_split_words: ab --commands splits its command lines like a shell. */
TestSuite(split_words);

Test(split_words, quotes_and_backslashes_as_a_shell_does)
{
	static const struct {
		const char *line;
		const char *want; /* words joined with '|'; "" for none */
	} cases[] = {
	    {"sleep 0.1", "sleep|0.1"},
	    {"  a\tb\n c  ", "a|b|c"},
	    {"'a b' c", "a b|c"},
	    {"\"a \\\"b\\\" $x\" 'it''s'", "a \"b\" $x|its"},
	    {"a\\ b c\\'d", "a b|c'd"},
	    {"\"\\n\" ''", "\\n|"},
	    {"", ""},
	    {"   ", ""},
	};
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char **v = NULL, buf[256] = "";

		cr_assert_eq(
		    cmd_split_words(cases[i].line, &v), 0, "%s", cases[i].line);
		for (j = 0; v != NULL && v[j] != NULL; j++) {
			if (j > 0)
				strcat(buf, "|");
			strcat(buf, v[j]);
		}
		cr_assert_str_eq(buf, cases[i].want, "%s", cases[i].line);
		strv_free(v);
	}
}

Test(split_words, an_unterminated_quote_is_an_error)
{
	char **v = NULL;

	cr_assert_eq(cmd_split_words("sleep '0.1", &v), -1);
	cr_assert_eq(cmd_split_words("echo \"a", &v), -1);
	cr_assert_null(v);
}
