"""The compiled world: a scenario flattened into struct-of-arrays NumPy state."""

from .compile import World, compile_world

__all__ = ["World", "compile_world"]
