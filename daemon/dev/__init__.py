"""Developers' tools: the benchmark, the demo, and the harness that runs a real daemon
subprocess for them and for the tests."""
