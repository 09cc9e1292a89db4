#!/usr/bin/env bash
# kafka-consumer-groups.sh with Kafka's flags and output, served by samsa ('samsa kafka-consumer-groups --help' lists the flags).
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-cli" kafka-consumer-groups "$@"
