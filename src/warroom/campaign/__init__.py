"""The campaign scale (issue 15, under way): a theater of worlds joined by lanes, on which
fleets (aggregate forces) travel, meet and fight. So far: the theater graph and its routes
(`theater`), fleets moving along them (`fleets`), where an enemy can meet a fleet in transit
(`movement`), and supply along the lanes (`supply`); the engine is to come."""

from .theater import Theater, generate, route, theater_from_tables

__all__ = ["Theater", "generate", "route", "theater_from_tables"]
