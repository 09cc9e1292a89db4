#!/usr/bin/env bash
# kafka-console-consumer.sh with Kafka's flags and output, served by samsa ('samsa kafka-console-consumer --help' lists the flags).
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-cli" kafka-console-consumer "$@"
