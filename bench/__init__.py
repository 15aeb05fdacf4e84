"""Benchmarks: `python -m bench.<name>` scripts that print measurements and assert nothing."""
