"""Terrain: a raster of elevation and classes, and what it does to movement, sight and fire."""

from .raster import Raster, build_raster

__all__ = ["Raster", "build_raster"]
