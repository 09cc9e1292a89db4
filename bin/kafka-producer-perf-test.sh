#!/usr/bin/env bash
# kafka-producer-perf-test.sh with Kafka's flags and output, served by samsa ('samsa kafka-producer-perf-test --help' lists the flags).
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-cli" kafka-producer-perf-test "$@"
