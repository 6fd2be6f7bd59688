"""Operators' tools: maintenance and migrations, status, checks, dead letters, the
journal, visits, reference rows. None of it runs in ``opdb-ingestd run``."""
