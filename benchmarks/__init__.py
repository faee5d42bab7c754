"""Benchmarks, tuning and stress scripts (``python -m benchmarks.NAME`` from the repository root).

They print figures; they are not installed with the package and no test asserts their timings.
"""
