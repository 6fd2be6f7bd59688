"""The schema side: the daemon's bookkeeping tables, the migration history and the
catalog comparisons that tell two schemas apart."""
