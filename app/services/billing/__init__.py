"""Automatic invoicing (SPEC 10): the schedule, the settings and the runs with their history."""
