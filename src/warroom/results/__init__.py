"""Results of a run: the in-memory result object and the run folder on disk."""
