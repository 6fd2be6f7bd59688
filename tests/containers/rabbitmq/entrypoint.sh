#!/bin/sh
# What testcontainers' RabbitMqContainer expects of the image: the port in
# RABBITMQ_NODE_PORT (read by rabbitmq-server itself) and the default user, password and
# virtual host from RABBITMQ_DEFAULT_USER/PASS/VHOST. Clients arrive through the bridge,
# so the default user may log in from anywhere (loopback_users = none).
set -eu
cat >/etc/rabbitmq/rabbitmq.conf <<CONF
loopback_users = none
default_user = ${RABBITMQ_DEFAULT_USER:-guest}
default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}
default_vhost = ${RABBITMQ_DEFAULT_VHOST:-/}
CONF
exec /usr/lib/rabbitmq/bin/rabbitmq-server
