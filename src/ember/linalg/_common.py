"""Argument checks shared by ember.linalg (torch's messages, written once) and the LinAlgError class."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a numerical failure (singular matrix, not positive-definite)."""


def check_float(name: str, A) -> None:
    if A.dtype._cat < 2:
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got {D.dtype_name_cap(A.dtype)}"
        )


def check_matrix(name: str, A, square: bool = False) -> None:
    """torch's checks of a (batch of) matrix input: at least 2-D, square when asked, float or complex."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} matrices"
        )
    check_float(name, A)
    check_low_precision(name, A)


# torch's refusal of float16/bfloat16 by each LAPACK-backed function: (exception, text with {} for the dtype)
_LOW = {
    "linalg.det": (NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    "linalg.solve": (NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    "linalg.slogdet": (RuntimeError, "linalg.slogdet: Low precision dtypes not supported. Got {}"),
    "linalg.inv": (RuntimeError, "linalg.inv: Low precision dtypes not supported. Got {}"),
    "linalg.eigh": (NotImplementedError, '"linalg_eigh_cpu" not implemented for \'{}\''),
    "linalg.eig": (NotImplementedError, '"linalg_eig_out_cpu" not implemented for \'{}\''),
    "linalg.cholesky": (NotImplementedError, '"cholesky_cpu" not implemented for \'{}\''),
    "linalg.svd": (NotImplementedError, '"linalg_svd_cpu" not implemented for \'{}\''),
    "linalg.qr": (NotImplementedError, '"geqrf_cpu" not implemented for \'{}\''),
}


def check_low_precision(name: str, A) -> None:
    """torch's error for float16/bfloat16 input to a LAPACK-backed function."""
    if A.dtype in (D.float16, D.bfloat16) and name in _LOW:
        exc, text = _LOW[name]
        raise exc(text.format(D.dtype_name_cap(A.dtype)))


def first_zero_pivot(a: np.ndarray) -> tuple:
    """(batch index, 1-based pivot) of the first zero pivot of LU with partial pivoting, for torch's messages."""
    stack = np.asarray(a, dtype=np.float64).reshape(-1, a.shape[-2], a.shape[-1])
    for b, m in enumerate(stack):
        m = m.copy()
        n = m.shape[0]
        for k in range(n):
            p = k + int(np.argmax(np.abs(m[k:, k])))
            if m[p, k] == 0:
                return b, k + 1
            m[[k, p]] = m[[p, k]]
            m[k + 1:] -= np.outer(m[k + 1:, k] / m[k, k], m[k])
    return 0, n


def batch_prefix(a: np.ndarray, b: int) -> str:
    return f"(Batch element {b}): " if a.ndim > 2 else ""
