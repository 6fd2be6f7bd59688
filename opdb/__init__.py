"""The PFS operational database (opDB): its schema as models, the event contract that
instrument actors publish, and the client they publish with."""
