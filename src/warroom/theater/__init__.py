"""The theater of a campaign: worlds joined by lanes with travel times, as CSR arrays, read
from files (CSV, GraphML) or generated as a seeded stellar field, and the quickest routes
across it. Below the scenario format, which builds a scenario's theater from it (as it builds
maps from `terrain`)."""

from .files import theater_from_csv, theater_from_graphml
from .graph import Paths, Theater, generate, paths_of, route, theater_from_tables

__all__ = ["Paths", "Theater", "generate", "paths_of", "route", "theater_from_csv",
           "theater_from_graphml", "theater_from_tables"]
