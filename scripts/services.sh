#!/usr/bin/env bash
# Sourced by scripts/test.sh: start the servers the test suite uses, on loopback only, in
# throw-away directories, and stop them on exit. Each service exports the variable the tests read.
# (PostgreSQL and others are added here by the issues that need them.)
narrascope_services_stop() { :; }
