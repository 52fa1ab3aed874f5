"""Experiments: many replications of a scenario (Monte Carlo), over a grid of parameter values
(sweeps), on any `concurrent.futures.Executor`, streamed to Parquet shards that a run can resume."""

from .run import experiment

__all__ = ["experiment"]
