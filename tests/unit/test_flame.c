/*
 * test_flame.c: the flame library (src/flame/) on perf script texts whose
 * answers are worked out by hand in the comments, and the report's JSON
 * and text writers (reports/flame.c).
 *
 * The texts have the shape of perf 6.1's output with
 * -F comm,pid,tid,time,period,event,ip,sym,dso --show-task-events (the
 * fuzz seeds in tests/fuzz/corpus/flame/ are real output of that command).
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "flame.h"
#include "report.h"

/*
 * sh (pid 100) samples once inside fork; it forks 101, which execs cc:
 * two samples in hot (one recursive), then its thread 102, renamed
 * "opt cgu.0", samples once in libLLVM.  Periods in ns: 1, 2, 2 and 1 ms.
 *
 *   programs: cc: 1 process, 3 samples, 5 ms, alive 11.0 - 10.2 = 0.8 s
 *             sh: 1 process, 1 sample, 1 ms, alive 11.5 - 10.0 = 1.5 s
 *   user functions by self: hot 2 (50 %, total 50 %: the recursion counts
 *   once), llvm::opt 1 (25 %); kernel: do_syscall_64 1 (25 %).
 */
static const char two_programs[] =
    "perf-exec     0/0         0.000000: PERF_RECORD_COMM: "
    "perf-exec:100/100\n"
    "sh 100/100   10.000000: PERF_RECORD_COMM exec: sh:100/100\n"
    "sh 100/100   10.100000:    1000000 cpu-clock: \n"
    "\tffffffff81000010 do_syscall_64 ([kernel.kallsyms])\n"
    "\t            1000 __libc_fork (/usr/lib/libc.so.6)\n"
    "\t            2000 main (/usr/bin/sh)\n"
    "\t            3000 _start (/usr/bin/sh)\n"
    "\n"
    "sh 100/100   10.200000: PERF_RECORD_FORK(101:101):(100:100)\n"
    "sh 101/101   10.300000: PERF_RECORD_COMM exec: cc:101/101\n"
    "cc 101/101   10.400000:    2000000 cpu-clock: \n"
    "\t            4000 hot (/usr/bin/cc)\n"
    "\t            5000 main (/usr/bin/cc)\n"
    "\n"
    "cc 101/101   10.500000:    2000000 cpu-clock: \n"
    "\t            4000 hot (/usr/bin/cc)\n"
    "\t            4010 hot (/usr/bin/cc)\n"
    "\t            5000 main (/usr/bin/cc)\n"
    "\n"
    "cc 101/102   10.550000: PERF_RECORD_COMM: opt cgu.0:101/102\n"
    "opt cgu.0 101/102   10.600000:    1000000 cpu-clock: \n"
    "\t            6000 llvm::opt (/usr/lib/libLLVM.so.19)\n"
    "\t            7000 [unknown] (/usr/lib/libLLVM.so.19)\n"
    "\n"
    "cc 101/101   11.000000: PERF_RECORD_EXIT(101:101):(100:100)\n"
    "sh 100/100   11.500000: PERF_RECORD_EXIT(100:100):(99:99)\n";

static struct flame_data *
parse(const char *text)
{
	struct flame_data *d = flame_data_create();

	cr_assert_not_null(d);
	flame_data_parse(d, text, strlen(text));
	return d;
}

static const struct flame_program *
program(const struct flame_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_programs; i++) {
		if (strcmp(r->programs[i].name, name) == 0)
			return &r->programs[i];
	}
	cr_assert_fail("no program '%s'", name);
	return NULL;
}

static const struct flame_share *
share(const struct flame_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_categories; i++) {
		if (strcmp(r->categories[i].name, name) == 0)
			return &r->categories[i];
	}
	cr_assert_fail("no category '%s'", name);
	return NULL;
}

/* Everything a FILE writer wrote (caller frees). */
static char *
capture(struct flame_data *d, int svg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct flame_svg_opts o = {"A <title> & more", "sub", 0};
	struct bench_error err;

	cr_assert_not_null(f);
	if (svg)
		cr_assert_eq(
		    flame_write_svg(d, &o, f, &err), 0, "%s", err.text);
	else
		cr_assert_eq(flame_write_folded(d, f, &err), 0, "%s", err.text);
	fclose(f);
	return buf;
}

static size_t
occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* ---------------------------------------------------------- the reader */

Test(flame_script, counts_samples_periods_and_the_kernel)
{
	struct flame_data *d = parse(two_programs);
	struct flame_counts c;

	flame_data_counts(d, &c);
	cr_assert_eq(c.samples, 4);
	cr_assert_eq(c.kernel_samples, 1);
	cr_assert_eq(c.period, 6000000);
	cr_assert_eq(
	    c.skipped, 0, "%llu lines skipped", (unsigned long long)c.skipped);
	cr_assert_eq(c.task_events, 7);
	cr_assert_eq(c.runs, 1);
	cr_assert_str_eq(c.event, "cpu-clock");
	cr_assert_eq(c.user_only, 0);
	flame_data_free(d);
}

Test(flame_script, programs_are_processes_not_thread_names)
{
	struct flame_data *d = parse(two_programs);
	struct flame_report *r = flame_report_build(d, NULL, 10);
	const struct flame_program *cc = program(r, "cc");
	const struct flame_program *sh = program(r, "sh");

	/* perf-exec (the name perf gives the command before its exec) ran
	   nothing; "opt cgu.0" is a thread of cc. */
	cr_assert_eq(r->n_programs, 2, "%zu programs", r->n_programs);
	cr_assert_str_eq(r->programs[0].name, "cc", "most samples first");
	cr_assert_eq(cc->processes, 1);
	cr_assert_eq(cc->samples, 3);
	cr_assert(fabs(cc->cpu_s - 0.005) < 1e-12, "%g", cc->cpu_s);
	cr_assert(fabs(cc->alive_s - 0.8) < 1e-9, "%g", cc->alive_s);
	cr_assert(fabs(cc->share - 0.75) < 1e-12);
	cr_assert_eq(sh->processes, 1);
	cr_assert(fabs(sh->alive_s - 1.5) < 1e-9, "%g", sh->alive_s);
	cr_assert(fabs(r->cpu_s - 0.006) < 1e-12, "%g", r->cpu_s);
	flame_report_free(r);
	flame_data_free(d);
}

/*
 * A process that execs twice (ld.lld, then rust-lld, as cc's linker does)
 * counts once for each; a forked child that never execs runs its parent's
 * program; a process still alive at the end lives until the last event.
 *
 *   make: 100 (10.0 to 14.0 = 4 s) and 102 (fork at 12.0, exit 13.0: 1 s)
 *   ld.lld: 101 from 11.0 (fork) to 11.5 (exec of rust-lld): 0.5 s
 *   rust-lld: 101 from 11.5 to 12.5: 1 s; sleeper: 103, forked at 13.4,
 *   never exits: to the last event (14.0), 0.6 s.
 */
static const char exec_chain[] =
    "make 100/100 10.000000: PERF_RECORD_COMM exec: make:100/100\n"
    "make 100/100 11.000000: PERF_RECORD_FORK(101:101):(100:100)\n"
    "make 101/101 11.100000: PERF_RECORD_COMM exec: ld.lld:101/101\n"
    "ld.lld 101/101 11.200000: 1000000 cpu-clock:\n"
    "\t1000 lld_main (/usr/bin/ld.lld)\n"
    "\n"
    "ld.lld 101/101 11.500000: PERF_RECORD_COMM exec: rust-lld:101/101\n"
    "rust-lld 101/101 11.600000: 1000000 cpu-clock:\n"
    "\t1000 lld::elf::link (/usr/bin/rust-lld)\n"
    "\n"
    "make 100/100 12.000000: PERF_RECORD_FORK(102:102):(100:100)\n"
    "make 102/102 12.100000: 1000000 cpu-clock:\n"
    "\t2000 job (/usr/bin/make)\n"
    "\n"
    "rust-lld 101/101 12.500000: PERF_RECORD_EXIT(101:101):(100:100)\n"
    "make 102/102 13.000000: PERF_RECORD_EXIT(102:102):(100:100)\n"
    "make 100/100 13.400000: PERF_RECORD_FORK(103:103):(100:100)\n"
    "make 103/103 13.500000: PERF_RECORD_COMM exec: sleeper:103/103\n"
    "make 100/100 14.000000: PERF_RECORD_EXIT(100:100):(1:1)\n";

Test(flame_script, each_exec_starts_a_program_and_forks_inherit)
{
	struct flame_data *d = parse(exec_chain);
	struct flame_report *r = flame_report_build(d, NULL, 10);
	const struct flame_program *p;

	p = program(r, "make");
	cr_assert_eq(
	    p->processes, 2, "make: %llu", (unsigned long long)p->processes);
	cr_assert(fabs(p->alive_s - 5.0) < 1e-9, "make alive %g", p->alive_s);
	cr_assert_eq(p->samples, 1);
	p = program(r, "ld.lld");
	cr_assert_eq(p->processes, 1);
	cr_assert(fabs(p->alive_s - 0.5) < 1e-9, "ld.lld %g", p->alive_s);
	p = program(r, "rust-lld");
	cr_assert_eq(p->processes, 1);
	cr_assert(fabs(p->alive_s - 1.0) < 1e-9, "rust-lld %g", p->alive_s);
	p = program(r, "sleeper");
	cr_assert_eq(p->processes, 1);
	cr_assert(fabs(p->alive_s - 0.6) < 1e-9, "sleeper %g", p->alive_s);
	flame_report_free(r);
	flame_data_free(d);
}

Test(flame_script, runs_are_merged_and_pids_are_per_run)
{
	struct flame_data *d = flame_data_create();
	struct flame_report *r;
	struct flame_counts c;

	/* The same pid in two runs is two processes. */
	flame_data_parse(d, exec_chain, strlen(exec_chain));
	flame_data_parse(d, exec_chain, strlen(exec_chain));
	flame_data_counts(d, &c);
	cr_assert_eq(c.runs, 2);
	cr_assert_eq(c.samples, 6);
	r = flame_report_build(d, NULL, 10);
	cr_assert_eq(program(r, "make")->processes, 4);
	cr_assert_eq(program(r, "rust-lld")->processes, 2);
	cr_assert(fabs(program(r, "make")->alive_s - 10.0) < 1e-9);
	flame_report_free(r);
	flame_data_free(d);
}

Test(flame_script, odd_lines_are_skipped_and_counted)
{
	static const char text[] =
	    "garbage without columns\n"
	    "\t1000 frame_outside_a_sample (/x)\n"
	    "x 1/1 2.000000: notanumber cpu-clock:\n"
	    "x 1/1 2.000000: PERF_RECORD_FORK(1:1)\n"
	    "x 1/1 2.000000: PERF_RECORD_COMM exec: broken\n"
	    "x 1/1 2.500000: PERF_RECORD_MMAP2 1/1: [0x1(0x2) @ 0]: r-xp /x\n"
	    "x 1/1 3.000000: 1000 cpu-clock:\n"
	    "\tnothex frame\n"
	    "\t2000 good (/bin/x)\n";
	struct flame_data *d = parse(text);
	struct flame_counts c;

	flame_data_counts(d, &c);
	/* Six lines not understood; MMAP2 is understood and unused. */
	cr_assert_eq(c.skipped, 6, "%llu", (unsigned long long)c.skipped);
	cr_assert_eq(c.samples, 1);
	cr_assert_eq(c.lines, 9);
	flame_data_free(d);
}

Test(flame_script, names_are_made_valid_utf8_without_controls)
{
	static const char text[] =
	    "a\xff 1/1 1.000000: 1000 cpu-clock:\n"
	    "\t10 bad\x01\xc3(name\xef\xbf\xbe (/lib/x.so)\n"
	    "\t20 [unknown] (/lib/libz.so.1)\n"
	    "\t30 [unknown] ([vdso])\n"
	    "\t40 [unknown] ([unknown])\n"
	    "\t50 <[u8; 4] as Debug>::fmt (/bin/a)\n";
	struct flame_data *d = parse(text);
	char *folded = capture(d, 0);

	/* Innermost first in perf, root first in folded; ';' becomes ':'; an
	   unknown symbol is named after its object. */
	cr_assert_str_eq(folded,
	    "a?;<[u8: 4] as Debug>::fmt;[unknown];[vdso];[libz.so.1];"
	    "bad?\?(name?\?? 1\n",
	    "%s", folded);
	free(folded);
	flame_data_free(d);
}

Test(flame_script, a_lost_chain_is_not_the_kernel)
{
	/* perf ends a chain it could not unwind with all ones. */
	static const char text[] = "x 1/1 1.000000: 1000 cpu-clock:\n"
	                           "\tffffffffffffffff [unknown] ([unknown])\n"
	                           "\n"
	                           "x 1/1 1.100000: 1000 cpu-clock:\n"
	                           "\tffffffff81000000 [unknown] ([unknown])\n";
	struct flame_data *d = parse(text);
	struct flame_report *r = flame_report_build(d, NULL, 10);

	cr_assert_eq(r->user_samples, 1);
	cr_assert_eq(r->kernel_samples, 1);
	cr_assert_eq(r->n_functions, 1);
	cr_assert_eq(r->n_kernel_functions, 1);
	flame_report_free(r);
	flame_data_free(d);
}

Test(flame_script, a_sample_without_call_chain_has_its_frame_inline)
{
	static const char text[] =
	    "x 7/7 1.000000: 250000 cpu-clock:u:  401000 leaf (/bin/x)\n";
	struct flame_data *d = parse(text);
	struct flame_counts c;
	char *folded = capture(d, 0);

	flame_data_counts(d, &c);
	cr_assert_str_eq(folded, "x;leaf 1\n");
	cr_assert_str_eq(c.event, "cpu-clock:u");
	cr_assert_eq(c.user_only, 1, "':u' means user space only");
	free(folded);
	flame_data_free(d);
}

Test(flame_script, deep_stacks_keep_the_innermost_frames)
{
	char *text, *p, *folded;
	size_t i, n = FLAME_MAX_DEPTH + 10;
	struct flame_data *d;
	struct flame_counts c;

	text = malloc(64 * (n + 2));
	cr_assert_not_null(text);
	p = text + sprintf(text, "deep 1/1 1.000000: 1000 cpu-clock:\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "\t%zx f%zu (/bin/deep)\n", i + 1, i);
	d = parse(text);
	flame_data_counts(d, &c);
	cr_assert_eq(c.cut_stacks, 1);
	folded = capture(d, 0);
	/* Frames f0 (innermost) .. f1023 are kept, root first. */
	cr_assert(
	    strncmp(folded, "deep;f1023;f1022;", 17) == 0, "%.40s", folded);
	cr_assert_eq(occurrences(folded, ";f"), FLAME_MAX_DEPTH);
	free(folded);
	free(text);
	flame_data_free(d);
}

/* ---------------------------------------------------------- the report */

Test(flame_report, functions_by_self_time_user_and_kernel_apart)
{
	struct flame_data *d = parse(two_programs);
	struct flame_report *r = flame_report_build(d, NULL, 10);

	cr_assert_eq(r->n_functions, 2, "%zu", r->n_functions);
	cr_assert_str_eq(r->functions[0].name, "hot");
	cr_assert_str_eq(r->functions[0].program, "cc");
	cr_assert_eq(r->functions[0].self_samples, 2);
	cr_assert_eq(
	    r->functions[0].total_samples, 2, "recursion counted once");
	cr_assert(fabs(r->functions[0].self_pct - 50) < 1e-12);
	cr_assert(fabs(r->functions[0].total_pct - 50) < 1e-12);
	cr_assert_str_eq(r->functions[1].name, "llvm::opt");
	cr_assert(fabs(r->functions[1].self_pct - 25) < 1e-12);
	cr_assert_eq(r->n_kernel_functions, 1);
	cr_assert_str_eq(r->kernel_functions[0].name, "do_syscall_64");
	cr_assert_str_eq(r->kernel_functions[0].program, "sh");
	cr_assert_eq(r->user_samples, 3);
	cr_assert_eq(r->kernel_samples, 1);
	flame_report_free(r);
	flame_data_free(d);
}

Test(flame_report, top_keeps_the_first_n)
{
	struct flame_data *d = parse(two_programs);
	struct flame_report *r = flame_report_build(d, NULL, 1);

	cr_assert_eq(r->n_functions, 1);
	cr_assert_str_eq(r->functions[0].name, "hot");
	flame_report_free(r);
	flame_data_free(d);
}

/*
 * With the default table: LLVM holds sample 4 (dso:libLLVM*), linking the
 * three samples of cc (program:cc), process spawning sample 1
 * (__libc_fork).  Alone (the innermost match): sample 4 is LLVM's, not
 * linking's, so linking keeps 2 of 4.
 */
Test(flame_report, categories_total_and_innermost)
{
	struct flame_data *d = parse(two_programs);
	struct flame_categories *c = flame_categories_default();
	struct flame_report *r = flame_report_build(d, c, 10);
	const struct flame_share *s;

	s = share(r, "LLVM");
	cr_assert_eq(s->samples, 1);
	cr_assert_eq(s->self_samples, 1);
	s = share(r, "linking");
	cr_assert_eq(s->samples, 3);
	cr_assert(fabs(s->total_pct - 75) < 1e-12);
	cr_assert_eq(s->self_samples, 2);
	cr_assert(fabs(s->self_pct - 50) < 1e-12);
	s = share(r, "process spawning");
	cr_assert_eq(s->samples, 1);
	cr_assert_eq(s->self_samples, 1);
	s = share(r, "I/O system calls");
	cr_assert_eq(s->samples, 0);
	flame_report_free(r);
	flame_categories_free(c);
	flame_data_free(d);
}

/* ----------------------------------------------------------- the files */

Test(flame_folded, root_first_sorted_with_counts)
{
	struct flame_data *d = parse(two_programs);
	char *folded = capture(d, 0);

	cr_assert_str_eq(folded,
	    "cc;[libLLVM.so.19];llvm::opt 1\n"
	    "cc;main;hot 1\n"
	    "cc;main;hot;hot 1\n"
	    "sh;_start;main;__libc_fork;do_syscall_64 1\n",
	    "%s", folded);
	free(folded);
	flame_data_free(d);
}

Test(flame_svg, a_frame_per_node_with_titles_and_escapes)
{
	static const char text[] =
	    "x 1/1 1.000000: 1000 cpu-clock:\n"
	    "\t10 <T as core::ops::Fn<&str>>::call (/bin/x)\n"
	    "\n"
	    "x 1/1 1.100000: 1000 cpu-clock:\n"
	    "\t20 other (/bin/x)\n";
	struct flame_data *d = parse(text);
	char *svg = capture(d, 1);

	/* all, x, and two functions. */
	cr_assert_eq(occurrences(svg, "<g class=\"f\">"), 4, "%s", svg);
	cr_assert_eq(occurrences(svg, "<title>"), 4);
	cr_assert_not_null(strstr(svg, "<title>all (2 samples, 100.00%)"));
	cr_assert_not_null(
	    strstr(svg, "<title>&lt;T as core::ops::Fn&lt;&amp;str&gt;&gt;"
	                "::call (1 sample, 50.00%)</title>"),
	    "%s", svg);
	cr_assert_not_null(strstr(svg, "A &lt;title&gt; &amp; more"));
	cr_assert_null(strstr(svg, "<T as"), "a name became markup");
	cr_assert_not_null(strstr(svg, "<script type=\"text/ecmascript\">"));
	cr_assert_null(strstr(svg, "http://www.w3.org/1999/xlink"));
	cr_assert_null(strstr(svg, "src="), "nothing is fetched");
	cr_assert_not_null(strstr(svg, "</svg>\n"));
	free(svg);
	flame_data_free(d);
}

Test(flame_svg, labels_fit_their_frames)
{
	/* 1180 px for 100 samples: "wide" gets 1168.2 px, "narrow" 11.8 px
	   (under three 7.2 px characters: no label). */
	char text[8192], *p = text, *svg;
	struct flame_data *d;
	int i;

	for (i = 0; i < 100; i++)
		p += sprintf(p,
		    "x 1/1 1.%06d: 1000 cpu-clock:\n\t10 %s (/x)\n\n", i,
		    i == 0 ? "narrow" : "wide");
	d = parse(text);
	svg = capture(d, 1);
	cr_assert_not_null(strstr(svg, ">wide</text>"), "%s", svg);
	cr_assert_null(strstr(svg, ">narrow</text>"));
	cr_assert_null(strstr(svg, ">na..</text>"));
	free(svg);
	flame_data_free(d);
}

/* ---------------------------------------------------------- categories */

Test(flame_categories, parse_dump_round_trip)
{
	static const char table[] = "# my table\n"
	                            "[  compiler ]\n"
	                            "  ori_*::*  \n"
	                            "<ori_* as *\n"
	                            "\n"
	                            "[linking]\n"
	                            "program:ld\n"
	                            "[compiler]\n"
	                            "dso:libori*\n";
	struct flame_categories *c, *again;
	struct bench_error err;
	char *text, *text2;

	cr_assert_eq(flame_categories_parse(table, strlen(table), &c, &err), 0,
	    "%s", err.text);
	cr_assert_eq(c->n, 2);
	cr_assert_str_eq(c->v[0].name, "compiler");
	cr_assert_eq(c->v[0].n_patterns, 3, "a repeated name adds");
	cr_assert_str_eq(c->v[0].patterns[0], "ori_*::*");
	cr_assert_str_eq(c->v[0].patterns[1], "<ori_* as *");
	text = flame_categories_dump(c);
	cr_assert_str_eq(text,
	    "[compiler]\nori_*::*\n<ori_* as *\ndso:libori*\n\n"
	    "[linking]\nprogram:ld\n");
	cr_assert_eq(
	    flame_categories_parse(text, strlen(text), &again, &err), 0);
	text2 = flame_categories_dump(again);
	cr_assert_str_eq(text, text2);
	free(text);
	free(text2);
	flame_categories_free(c);
	flame_categories_free(again);
}

Test(flame_categories, the_default_table_reads_back)
{
	struct flame_categories *c = flame_categories_default(), *again;
	struct bench_error err;
	char *text = flame_categories_dump(c);

	cr_assert_eq(c->n, 4);
	cr_assert_eq(flame_categories_parse(text, strlen(text), &again, &err),
	    0, "%s", err.text);
	cr_assert_eq(again->n, 4);
	free(text);
	flame_categories_free(c);
	flame_categories_free(again);
}

Test(flame_categories, bad_tables_name_the_line)
{
	static const struct {
		const char *text, *message;
	} rows[] = {
	    {"x::*\n", "line 1: a pattern before the first [NAME]"},
	    {"# c\n[]\nx\n", "line 2: a category without a name"},
	    {"[   ]\nx\n", "line 1: a category without a name"},
	    {"[a\nx\n", "line 1: a category's name must be written"},
	    {"[a]\n[b]\nx\n", "line 1: category [a] has no patterns"},
	    {"[a]\nx\n[b]\n", "line 3: category [b] has no patterns"},
	    {"# nothing\n\n", "no category in the table"},
	};
	struct flame_categories *c;
	struct bench_error err;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		c = (void *)1;
		cr_assert_eq(flame_categories_parse(
		                 rows[i].text, strlen(rows[i].text), &c, &err),
		    BENCH_ERR_INVALID, "row %zu", i);
		cr_assert_null(c);
		cr_assert(strncmp(err.text, rows[i].message,
		              strlen(rows[i].message)) == 0,
		    "row %zu: %s", i, err.text);
	}
}

/* ---------------------------------------------------- report.json, text */

static struct flame_report *
described(void)
{
	struct flame_data *d = parse(two_programs);
	struct flame_categories *c = flame_categories_default();
	struct flame_report *r = flame_report_build(d, c, 10);

	flame_categories_free(c);
	flame_data_free(d);
	r->created = strdup("2026-12-01T00:00:00Z");
	r->tool_version = strdup("9.9");
	r->command = strdup("sh -c x");
	r->argv = calloc(4, sizeof(*r->argv));
	r->argv[0] = strdup("sh");
	r->argv[1] = strdup("-c");
	r->argv[2] = strdup("x");
	r->workspace = strdup("/w");
	r->event = strdup("cpu-clock");
	r->frequency = 999;
	r->call_graph = strdup("dwarf");
	r->runs = calloc(2, sizeof(*r->runs));
	r->n_runs = 2;
	r->runs[0].wall = 1.25;
	r->runs[1].wall = 1.5;
	r->runs[1].signal = 9;
	r->record_s = 2.75;
	r->script_s = 0.5;
	r->report_s = 0.125;
	return r;
}

Test(flame_json, the_report_as_json)
{
	struct flame_report *r = described();
	struct bench_error err;
	json_error_t je;
	json_t *j, *p;
	char *text = report_flame_json(r, &err);

	cr_assert_not_null(text, "%s", err.text);
	j = json_loads(text, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "schema")),
	    "bench-tests/flame");
	cr_assert_eq(
	    json_integer_value(json_object_get(j, "schema_version")), 1);
	cr_assert_eq(json_integer_value(json_object_get(j, "samples")), 4);
	cr_assert(
	    fabs(json_real_value(json_object_get(j, "cpu_s")) - 0.006) < 1e-15);
	cr_assert_eq(json_real_value(json_object_get(j, "kernel_pct")), 25.0);
	p = json_array_get(json_object_get(j, "programs"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "name")), "cc");
	cr_assert_eq(json_integer_value(json_object_get(p, "processes")), 1);
	cr_assert_eq(json_real_value(json_object_get(p, "share")), 0.75);
	cr_assert(
	    fabs(json_real_value(json_object_get(p, "alive_s")) - 0.8) < 1e-9);
	p = json_array_get(json_object_get(j, "functions"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "name")), "hot");
	cr_assert_eq(json_real_value(json_object_get(p, "self_pct")), 50.0);
	cr_assert_str_eq(
	    json_string_value(json_object_get(p, "program")), "cc");
	p = json_array_get(json_object_get(j, "kernel_functions"), 0);
	cr_assert_str_eq(
	    json_string_value(json_object_get(p, "name")), "do_syscall_64");
	p = json_array_get(json_object_get(j, "categories"), 1);
	cr_assert_str_eq(
	    json_string_value(json_object_get(p, "name")), "linking");
	cr_assert_eq(json_real_value(json_object_get(p, "total_pct")), 75.0);
	cr_assert_eq(json_real_value(json_object_get(p, "self_pct")), 50.0);
	p = json_array_get(json_object_get(j, "runs"), 1);
	cr_assert(json_is_null(json_object_get(p, "exit_code")));
	cr_assert_eq(json_integer_value(json_object_get(p, "signal")), 9);
	cr_assert_eq(json_real_value(json_object_get(
	                 json_object_get(j, "timings"), "record_s")),
	    2.75);
	cr_assert_eq(json_integer_value(json_object_get(
	                 json_object_get(j, "settings"), "frequency")),
	    999);
	cr_assert_eq(text[strlen(text) - 1], '\n');
	json_decref(j);
	free(text);
	flame_report_free(r);
}

/* The line of text that starts with prefix (up to its newline). */
static char *
line_of(const char *text, const char *prefix)
{
	static char line[512];
	const char *p = strstr(text, prefix);

	cr_assert_not_null(p, "no line '%s' in:\n%s", prefix, text);
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	return line;
}

Test(flame_json, the_report_as_text)
{
	struct flame_report *r = described();
	struct report_style st = {0, 0};
	char *buf = NULL, *line, word[16];
	unsigned long long n;
	double x, y;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_text_flame(f, r, &st);
	fclose(f);
	cr_assert_not_null(
	    strstr(buf, "Flame of sh -c x: 2 recorded runs"), "%s", buf);
	cr_assert_not_null(
	    strstr(buf, "4 samples (cpu-clock at 999 Hz, dwarf"));
	cr_assert_not_null(
	    strstr(buf, "user 75.0 %, kernel 25.0 %"), "%s", buf);
	line = line_of(buf, "  cc ");
	cr_assert_eq(
	    sscanf(line, " cc %llu %lf s %lf%%", &n, &x, &y), 3, "%s", line);
	cr_assert_eq(n, 1);
	cr_assert_eq(x, 0.005);
	cr_assert_eq(y, 75.0);
	line = line_of(buf, "  hot ");
	cr_assert_eq(sscanf(line, " hot %lf%% %lf%% %15s", &x, &y, word), 3);
	cr_assert_eq(x, 50.0);
	cr_assert_eq(y, 50.0);
	cr_assert_str_eq(word, "cc");
	line = line_of(buf, "  linking ");
	cr_assert_eq(sscanf(line, " linking %lf%% %lf%%", &x, &y), 2);
	cr_assert_eq(x, 75.0);
	cr_assert_eq(y, 50.0);
	free(buf);
	flame_report_free(r);
}

Test(flame_json, the_text_lists_at_most_25_programs)
{
	static char text[65536];
	char *p = text, *buf = NULL;
	struct report_style st = {0, 0};
	struct flame_report *r;
	struct flame_data *d;
	size_t len = 0;
	FILE *f;
	int i;

	/* 30 programs, prog29 with the most samples (30), prog0 the fewest. */
	for (i = 0; i < 30; i++) {
		int k;

		for (k = 0; k <= i; k++)
			p += sprintf(p,
			    "prog%d %d/%d 1.%06d: 1000 cpu-clock:\n"
			    "\t10 f (/x)\n\n",
			    i, 100 + i, 100 + i, i * 100 + k);
	}
	d = parse(text);
	r = flame_report_build(d, NULL, 10);
	cr_assert_eq(r->n_programs, 30);
	f = open_memstream(&buf, &len);
	report_text_flame(f, r, &st);
	fclose(f);
	cr_assert_not_null(strstr(buf, "\n  prog29 "), "%s", buf);
	cr_assert_not_null(strstr(buf, "\n  prog5 "));
	cr_assert_null(strstr(buf, "\n  prog4 "), "%s", buf);
	cr_assert_not_null(
	    strstr(buf, "(5 more, with fewer samples, in report.json)"));
	free(buf);
	flame_report_free(r);
	flame_data_free(d);
}
