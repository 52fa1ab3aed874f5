"""Validation of warroom models against recorded battles."""
