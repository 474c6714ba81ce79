"""Sessions: the append-only journal of every event, resume, listing."""
