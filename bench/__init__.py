"""Benchmarks at national scale: `generate` makes the data, `run` measures pages, load and weight."""
