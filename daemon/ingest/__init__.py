"""The ingest path: what an event goes through from delivery to acknowledgement
(consume, batch, write, dispose of rejects, ack), and what the running daemon reports."""
