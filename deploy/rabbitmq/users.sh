#!/bin/sh
# Create the three RabbitMQ users of the opDB ingestion, once; run as root (or as the
# rabbitmq user) on a broker node, BEFORE `rabbitmqctl import_definitions
# definitions.json`, whose permissions name these users.
#
#   OPDB_ACTOR_PASSWORD=... OPDB_INGESTD_PASSWORD=... OPDB_OPERATOR_PASSWORD=... \
#       sh deploy/rabbitmq/users.sh
#
# opdb-actor publishes events (every instrument actor), opdb-ingestd is the daemon,
# opdb-operator is for `opdb-ingestd dlq` (dead letters: list, replay, purge).
#
# A user that already exists is left alone (its password is not touched), so the
# script can be run again safely. To set or rotate a password later, without it
# appearing in the process list or shell history:
#
#   read -rs PW && printf '%s\n' "$PW" | rabbitmqctl change_password opdb-ingestd
#
# then update OPDB_AMQP_URL in /etc/opdb-ingest/ingestd.env (or the actors' config)
# and restart the client. Neither user gets any management tag.
#
# Variables: OPDB_ACTOR_USER (default opdb-actor), OPDB_INGESTD_USER (default
# opdb-ingestd), OPDB_OPERATOR_USER (default opdb-operator), OPDB_ACTOR_PASSWORD,
# OPDB_INGESTD_PASSWORD and OPDB_OPERATOR_PASSWORD (needed only for a user that does
# not exist yet), RABBITMQCTL (default rabbitmqctl).
set -eu

actor=${OPDB_ACTOR_USER:-opdb-actor}
ingestd=${OPDB_INGESTD_USER:-opdb-ingestd}
operator=${OPDB_OPERATOR_USER:-opdb-operator}
ctl=${RABBITMQCTL:-rabbitmqctl}

user_exists() {
    "$ctl" -q list_users --no-table-headers | cut -f1 | grep -qxF -- "$1"
}

ensure_user() {
    name=$1
    password=$2
    if user_exists "$name"; then
        echo "user $name exists; password unchanged"
        return 0
    fi
    if [ -z "$password" ]; then
        echo "user $name does not exist: set its password in the environment" >&2
        return 1
    fi
    # The password goes through standard input, never on a command line.
    printf '%s\n' "$password" | "$ctl" -q add_user "$name" >/dev/null
    "$ctl" -q set_user_tags "$name" >/dev/null
    echo "user $name created"
}

ensure_user "$actor" "${OPDB_ACTOR_PASSWORD:-}"
ensure_user "$ingestd" "${OPDB_INGESTD_PASSWORD:-}"
ensure_user "$operator" "${OPDB_OPERATOR_PASSWORD:-}"
