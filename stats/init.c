/*
 * init.c: process-wide set-up of the numerical library.
 */
#include <config.h>

#include <gsl/gsl_errno.h>

#include "stats.h"

void
stats_init(void)
{
	/* GSL's default handler aborts; we check every status instead. */
	gsl_set_error_handler_off();
}
