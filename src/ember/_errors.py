"""torch's error messages, each written once (checked against torch 2.13)."""

from __future__ import annotations


def dim_out_of_range(dim: int, ndim: int) -> IndexError:
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)  # torch: a 0-d tensor accepts dim -1 and 0
    return IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")


def broadcast_mismatch(a: tuple, b: tuple) -> RuntimeError:
    # torch names the first non-singleton dimension (counted from the left of the result) that differs
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                f"at non-singleton dimension {i}"
            )
    return RuntimeError(f"shapes {list(a)} and {list(b)} cannot be broadcast")


def shape_invalid(shape, numel: int) -> RuntimeError:
    return RuntimeError(f"shape '[{', '.join(str(s) for s in shape)}]' is invalid for input of size {numel}")


def only_one_element() -> RuntimeError:
    return RuntimeError("a Tensor with 2 elements cannot be converted to Scalar")


def not_implemented_for(kernel: str, dtype) -> NotImplementedError:
    """torch's refusal of a dtype by a kernel: ``"abs_cpu" not implemented for 'Bool'``."""
    from ._dtype import dtype_name_cap

    return NotImplementedError(f'"{kernel}" not implemented for \'{dtype_name_cap(dtype)}\'')
