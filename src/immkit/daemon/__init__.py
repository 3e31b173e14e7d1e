"""Scheduler that runs album rules on their schedules (issue #3)."""
