#!/usr/bin/env bash
# kafka-console-producer.sh with Kafka's flags and output, served by samsa ('samsa kafka-console-producer --help' lists the flags).
exec "$(dirname "${BASH_SOURCE[0]}")/samsa-cli" kafka-console-producer "$@"
