"""Sessions, recurrence, conflicts, closures, completion, deletion, and what can be booked."""
