#!/bin/sh
# Configured --without-criterion: the unit and integration tests were not built.
echo "the test suite needs criterion: configure without --without-criterion" >&2
exit 1
