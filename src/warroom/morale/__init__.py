"""The will to fight, written once for every scale: the networks it spreads along
(`graph`), threshold cascades for studies (`threshold_cascade`)."""

from .cascade import RULES, Cascade, threshold_cascade
from .graph import (
    Graph,
    GraphError,
    as_graph,
    barabasi_albert,
    erdos_renyi,
    from_edges,
    proximity,
    tree,
    watts_strogatz,
)

__all__ = ["RULES", "Cascade", "Graph", "GraphError", "as_graph", "barabasi_albert",
           "erdos_renyi", "from_edges", "proximity", "threshold_cascade", "tree",
           "watts_strogatz"]
