/*
 * mmprof-seeds.c: write a seed corpus for mmprof-fuzzer into a directory:
 * small hand-built profiles (tests/unit/mmprof-build.h) in both format
 * versions and several page layouts.  Usage: mmprof-seeds DIR
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mmprof-build.h"

static int
write_seed(const char *dir, const char *name, struct mmb *b,
    const size_t *sizes, size_t n)
{
	unsigned char *p;
	char path[4096];
	size_t len;
	FILE *fp;

	p = mmb_file(b, sizes, n, &len);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(p, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		free(p);
		return 1;
	}
	free(p);
	return 0;
}

static struct mmb *
profile(unsigned version)
{
	struct mmb *b = mmb_new(version);
	uint64_t q, ga, hit, count, art, a, t, inner;

	mmb_metadata(b, "{ \"start_time\": 1795341890380543273, "
	                "\"process_id\": 5182, \"cmd\": \"rustc --crate-name k "
	                "--edition=2021 src/lib.rs --crate-type lib -C "
	                "metadata=ab --cfg feature=\\\"x\\\" --test \\u{e9} "
	                "it\\'s \", \"counter\": { \"name\": \"wall-time\", "
	                "\"units\": [[\"ns\", 1]] } }");
	q = mmb_lit(b, "Query");
	ga = mmb_lit(b, "GenericActivity");
	hit = mmb_lit(b, "QueryCacheHit");
	count = mmb_lit(b, "QueryCacheHitCount");
	art = mmb_lit(b, "ArtifactSize");
	t = mmb_lit(b, "typeck");
	mmb_index(
	    b, 1, mmb_string(b, MMB_REF, t, MMB_SEP, MMB_LIT, "k::f", MMB_END));
	mmb_index(b, 2,
	    mmb_string(
	        b, MMB_REF, t, MMB_SEP, MMB_REF, mmb_lit(b, "k::g"), MMB_END));
	a = mmb_event_id(b, "analysis", NULL);
	inner = mmb_event_id(b, "self_profile_alloc_query_strings", NULL);
	mmb_instant(b, hit, 1, 1, 5);
	mmb_interval(b, q, 2, 1, 20, 30);
	mmb_interval(b, q, 1, 1, 10, 40);
	mmb_interval(b, ga, mmb_event_id(b, "LLVM_passes", "m"), 2, 15, 60);
	mmb_interval(b, ga, a, 1, 0, 100);
	mmb_interval(b, q, 3, 1, 110, 120);
	mmb_interval(b, ga, inner, 1, 100, 130);
	mmb_integer(b, count, 2, 1, 4);
	mmb_integer(b, art, mmb_event_id(b, "object_file", "k.o"), 1, 99);
	return b;
}

int
main(int argc, char **argv)
{
	static const size_t one[] = {0}, tiny[] = {7}, mixed[] = {5, 13, 64};
	struct mmb *b;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mmprof-seeds DIR\n");
		return 2;
	}
	b = profile(9);
	rc |= write_seed(argv[1], "v9-one-page", b, one, 1);
	rc |= write_seed(argv[1], "v9-tiny-pages", b, tiny, 1);
	rc |= write_seed(argv[1], "v9-mixed-pages", b, mixed, 3);
	mmb_omit(b, 2);
	rc |= write_seed(argv[1], "v9-no-index", b, one, 1);
	mmb_free(b);
	b = profile(8);
	rc |= write_seed(argv[1], "v8-one-page", b, one, 1);
	rc |= write_seed(argv[1], "v8-mixed-pages", b, mixed, 3);
	mmb_free(b);
	return rc;
}
