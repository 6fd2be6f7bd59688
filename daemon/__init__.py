"""opdb-ingestd: the service that moves instrument events from RabbitMQ into the opDB."""
