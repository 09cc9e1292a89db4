#!/usr/bin/env bash
# kafka-topics.sh with Kafka's flags and output, served by samsa ('samsa kafka-topics --help' lists the flags).
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-cli" kafka-topics "$@"
