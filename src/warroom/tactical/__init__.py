"""The tactical scale: entities on a terrain map, advanced in synchronous ticks by systems over
struct-of-arrays state."""
