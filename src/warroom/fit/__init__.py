"""Fitting attrition laws to battle records (issue in progress: see the closing notes)."""
