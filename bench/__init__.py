"""Benchmarks for Listening Post, run by `make bench` (``python -m bench``)."""
