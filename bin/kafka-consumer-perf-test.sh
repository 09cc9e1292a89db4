#!/usr/bin/env bash
# kafka-consumer-perf-test.sh with Kafka's flags and output, served by samsa ('samsa kafka-consumer-perf-test --help' lists the flags).
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-cli" kafka-consumer-perf-test "$@"
