"""Benchmarks on the simulator; they print figures, they assert nothing."""
