"""torch.autograd.graph: the graph's node type and edges."""

from __future__ import annotations

from typing import NamedTuple

from .function import Node, _edge

__all__ = ["GradientEdge", "Node", "get_gradient_edge", "increment_version"]


class GradientEdge(NamedTuple):
    """A (node, output_nr) pair: where the gradient of a tensor enters the graph."""

    node: Node
    output_nr: int


def get_gradient_edge(tensor) -> GradientEdge:
    """Return the edge that the gradient of ``tensor`` flows into."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    return GradientEdge(*_edge(tensor))


def increment_version(tensor) -> None:
    """Bump the version counter of ``tensor`` (as an in-place write would)."""
    for t in tensor if isinstance(tensor, (list, tuple)) else (tensor,):
        t._bump()
