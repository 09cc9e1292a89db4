#!/usr/bin/env bash
# kafka-configs.sh with Kafka's flags and output, served by samsa ('samsa kafka-configs --help' lists the flags).
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-cli" kafka-configs "$@"
