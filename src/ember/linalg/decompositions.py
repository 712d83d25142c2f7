"""Determinants, inverses, solvers and decompositions (torch.linalg), each forward beside its backward."""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as D
from .._dims import wrap_dim
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import array_module
from ..ops import _return_types as RT
from ._common import LinAlgError, batch_prefix, check_float, check_low_precision, check_matrix, first_zero_pivot


def _xp(a):
    return array_module(a)


def _eye_like(A: Tensor) -> Tensor:
    n = A.shape[-1]
    return Tensor._from(_xp(A._data).eye(n, dtype=A._data.dtype))


# ------------------------------------------------------------------------------------------- det / slogdet
class LinalgDet(Op):
    grad_fn = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, A):
        return _xp(A).linalg.det(A).astype(A.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (A,) = ctx.inputs
        # d det / dA = det * A^{-T} = adj(A)^T; through an SVD so singular matrices get the cofactor too
        U, S, Vh = svd(A)
        n = S.shape[-1]
        prods = []
        for i in range(n):  # prod of the other singular values (exact at zeros)
            mask = Tensor._from(_xp(S._data).arange(n) != i)
            prods.append(S.masked_fill(~mask, 1.0).prod(-1))
        from ..ops.shape import stack

        P = stack(prods, -1)
        sdet = det(U) * det(Vh)  # +-1: det(A) = sdet * prod(S)
        cof = (U * (P * sdet.unsqueeze(-1)).unsqueeze(-2)) @ Vh  # adj(A)^T = U diag(prod_{j!=i} s_j) Vh * sdet
        return grad.unsqueeze(-1).unsqueeze(-1) * cof.conj()


def det(A: Tensor, *, out=None) -> Tensor:
    """Determinant of a square matrix (or a batch of them)."""
    check_matrix("linalg.det", A, square=True)
    return LinalgDet.apply(A)


class LinalgSlogdet(Op):
    grad_fn = "LinalgSlogdetBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, A):
        s, l = _xp(A).linalg.slogdet(A)
        return s.astype(A.dtype, copy=False), l.astype(A.real.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_sign, grad_logabs):
        (A,) = ctx.inputs
        if grad_logabs is None:
            return A * 0
        return grad_logabs.unsqueeze(-1).unsqueeze(-1) * inv(A).mT.conj()


def slogdet(A: Tensor, *, out=None):
    """(sign, log|det|) of a square matrix: stable where det under/overflows."""
    check_matrix("linalg.slogdet", A, square=True)
    s, l = LinalgSlogdet.apply(A)
    return RT.get("linalg_slogdet", ("sign", "logabsdet"))(s, l)


# ------------------------------------------------------------------------------------------- inv / solve
def _singular(name, a):
    b, k = first_zero_pivot(a)
    return LinAlgError(
        f"{name}: {batch_prefix(a, b)}The diagonal element {k} is zero, the inversion could not be completed "
        "because the input matrix is singular."
    )


class LinalgInv(Op):
    grad_fn = "LinalgInvExBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, A):
        try:
            r = _xp(A).linalg.inv(A)
        except np.linalg.LinAlgError:
            raise _singular("linalg.inv", A) from None
        if not np.isfinite(r).all() and np.isfinite(A).all():
            raise _singular("linalg.inv", A)
        return r

    @staticmethod
    def backward(ctx, grad):
        Ai = ctx.output
        AiH = Ai.mT.conj()
        return -(AiH @ grad @ AiH)


def inv(A: Tensor, *, out=None) -> Tensor:
    """Inverse of a square matrix; a singular one raises torch.linalg.LinAlgError."""
    check_matrix("linalg.inv", A, square=True)
    return LinalgInv.apply(A)


def inv_ex(A: Tensor, *, check_errors: bool = False, out=None):
    r = inv(A)
    return RT.get("linalg_inv_ex", ("inverse", "info"))(r, Tensor._from(np.zeros(A.shape[:-2], dtype=np.int32)))


class LinalgSolve(Op):
    grad_fn = "LinalgSolveExBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, A, B):
        try:
            return _xp(A).linalg.solve(A, B)
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") \
                from None

    @staticmethod
    def backward(ctx, grad):
        A, B = ctx.inputs
        X = ctx.output
        gB = solve(A.mT.conj(), grad)
        n = ctx.needs_input_grad
        gA = -(gB @ X.mT.conj()) if n[0] else None
        return gA, (gB if n[1] else None)


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """X with A X = B (``left=False``: X A = B); a 1-D (or batch-of-vectors) B is a vector right-hand side."""
    check_matrix("linalg.solve", A, square=True)
    check_float("linalg.solve", B)
    if not left:
        return solve(A.mT, B.mT).mT
    dt = D._PROMOTE[(A.dtype, B.dtype)]
    A, B = A.to(dt), B.to(dt)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.shape[-2] != A.shape[-1]:
        raise RuntimeError(
            "linalg.solve: Incompatible shapes of A and B for the equation AX = B "
            f"({A.shape[-2]}x{A.shape[-1]} and {Bm.shape[-2]}x{Bm.shape[-1]})"
        )
    from ..ops.pointwise import check_broadcast

    batch = check_broadcast(Bm.shape[:-2], A.shape[:-2])
    A2 = A.expand(batch + tuple(A.shape[-2:])) if tuple(A.shape[:-2]) != batch else A
    B2 = Bm.expand(batch + tuple(Bm.shape[-2:])) if tuple(Bm.shape[:-2]) != batch else Bm
    X = LinalgSolve.apply(A2, B2)
    return X.squeeze(-1) if vector else X


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    X = solve(A, B, left=left)
    return RT.get("linalg_solve_ex", ("result", "info"))(X, Tensor._from(np.zeros(A.shape[:-2], dtype=np.int32)))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False,
                     out=None) -> Tensor:
    """Solve a triangular system (the other triangle of ``A`` is ignored)."""
    T = A.triu() if upper else A.tril()
    if unitriangular:
        T = T - T.diagonal(0, -2, -1).diag_embed() + _eye_like(A)
    return solve(T, B, left=left)


# ------------------------------------------------------------------------------------------- cholesky / qr
class LinalgCholesky(Op):
    grad_fn = "LinalgCholeskyExBackward0"
    saves_output = True

    @staticmethod
    def forward(ctx, A, info_out=None):
        """``info_out``: a list that receives torch's ``info`` array instead of an error (cholesky_ex)."""
        xp = _xp(A)
        try:
            L = xp.linalg.cholesky(A)
            failed = bool(xp.isnan(L).any())  # NumPy lets a nan through; LAPACK's potrf stops at a nan pivot
        except np.linalg.LinAlgError:
            failed = True
        if failed:
            L, info = _cholesky_partial(A)
        if failed and info.any():
            if info_out is None:
                raise _not_pd_error("linalg.cholesky", A, info) from None
            info_out.append(info)
            return L
        if info_out is not None:
            info_out.append(np.zeros(A.shape[:-2], dtype=np.int32))
        return L

    @staticmethod
    def backward(ctx, grad):
        L = ctx.output
        # gA = sym(L^{-H} Phi(L^H gL) L^{-1}), Phi: the lower triangle with the diagonal halved
        P = L.mT.conj() @ grad
        P = P.tril() - 0.5 * P.diagonal(0, -2, -1).diag_embed()
        Li = inv(L)
        S = Li.mT.conj() @ P @ Li
        return 0.5 * (S + S.mT.conj())


def _not_pd_error(name: str, A, info: np.ndarray) -> LinAlgError:
    """torch's error for the first batch element whose factorization failed (``info``: order of its bad minor)."""
    flat = info.reshape(-1)
    b = int(np.flatnonzero(flat)[0])
    return LinAlgError(
        f"{name}: {batch_prefix(A, b)}The factorization could not be completed because the input is not "
        f"positive-definite (the leading minor of order {int(flat[b])} is not positive-definite)."
    )


def _potf2(a: np.ndarray):
    """Cholesky of one matrix column by column, stopping at the first non-positive pivot as LAPACK's potf2 does.

    Returns (L, info): on failure L holds the columns factored so far, the failed pivot's value on the diagonal and
    the input's lower triangle beyond (torch returns that), and info is the 1-based order of the bad leading minor.
    """
    L = np.tril(a)
    n = L.shape[0]
    for j in range(n):
        row = L[j, :j]
        ajj = L[j, j].real - np.vdot(row, row).real
        if not ajj > 0:  # also a nan pivot
            L[j, j] = ajj
            return L, j + 1
        ajj = np.sqrt(ajj)
        L[j, j] = ajj
        if j + 1 < n:
            L[j + 1 :, j] = (L[j + 1 :, j] - L[j + 1 :, :j] @ row.conj()) / ajj
    return L, 0


def _cholesky_partial(A):
    """(L, info) for a batch that has a matrix NumPy could not factor: torch's partial factors and info per matrix."""
    xp = _xp(A)
    a = A if xp is np else xp.asnumpy(A)
    n = a.shape[-1]
    flat = a.reshape(-1, n, n)
    L = np.empty_like(flat)
    info = np.zeros(flat.shape[0], dtype=np.int32)
    for b in range(flat.shape[0]):
        try:
            L[b] = np.linalg.cholesky(flat[b])
            if not np.isnan(L[b]).any():
                continue
        except np.linalg.LinAlgError:
            pass
        L[b], info[b] = _potf2(flat[b])
    L, info = L.reshape(a.shape), info.reshape(a.shape[:-2])
    return (L if xp is np else xp.asarray(L)), info


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """The lower (or upper) Cholesky factor of a symmetric positive-definite matrix."""
    check_matrix("linalg.cholesky", A, square=True)
    if upper:  # torch: upper=True factors A = U^H U from A's upper triangle (the lower one of A^H)
        return LinalgCholesky.apply(A.mT.conj()).mT.conj()
    return LinalgCholesky.apply(A)


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    """Return (L, info): the Cholesky factor and, per matrix, 0 or the order of the leading minor that is not
    positive-definite (L then holds LAPACK's partial factor); ``check_errors`` raises torch's error instead."""
    check_matrix("linalg.cholesky", A, square=True)  # torch: the input checks name linalg.cholesky
    holder: list = []
    L = LinalgCholesky.apply(A.mT.conj() if upper else A, info_out=holder)  # upper: as in cholesky()
    info = holder[0]
    if check_errors and info.any():
        raise _not_pd_error("linalg.cholesky_ex", A._data, info)
    if upper:
        L = L.mT.conj()
    return RT.get("linalg_cholesky_ex", ("L", "info"))(L, Tensor._from(info))


class LinalgQr(Op):
    grad_fn = "LinalgQrBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, A, mode):
        ctx.mode = mode
        xp = _xp(A)
        if mode == "r":
            r = xp.linalg.qr(A, mode="r")
            return xp.zeros((0,), dtype=A.dtype), r
        return xp.linalg.qr(A, mode=mode)

    @staticmethod
    def backward(ctx, gQ, gR):
        (A,) = ctx.inputs
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        m, n = A.shape[-2], A.shape[-1]
        if m < n:
            raise NotImplementedError("ember: the gradient of linalg.qr for wide matrices (m < n) is not "
                                      "implemented (issue 6)")
        Q, R = qr(A, ctx.mode)  # recomputed on A itself, so the backward is differentiable
        if ctx.mode == "complete" and m > n:
            Q, R = Q[..., :n], R[..., :n, :]
            gQ = gQ[..., :n] if gQ is not None else None
            gR = gR[..., :n, :] if gR is not None else None
        # gA = (gQ + Q copyltu(M)) R^{-H}, M = R gR^H - gQ^H Q  (copyltu: mirror the lower triangle upwards)
        M = 0
        if gR is not None:
            M = R @ gR.mT.conj()
        if gQ is not None:
            M = M - gQ.mT.conj() @ Q
        if isinstance(M, int):
            return A * 0
        low = M.tril(-1)
        copyltu = low + low.mT.conj() + M.diagonal(0, -2, -1).real.diag_embed().to(M.dtype)
        rhs = (gQ if gQ is not None else 0) + Q @ copyltu
        return solve(R, rhs.mT.conj()).mT.conj()  # rhs R^{-H} = (R^{-1} rhs^H)^H


def qr(A: Tensor, mode: str = "reduced", *, out=None):
    """(Q, R) with A = Q R; ``mode`` 'reduced', 'complete' or 'r' (Q empty)."""
    check_matrix("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    Q, R = LinalgQr.apply(A, mode=mode)
    return RT.get("linalg_qr", ("Q", "R"))(Q, R)


# ------------------------------------------------------------------------------------------- eigen
class LinalgEigh(Op):
    grad_fn = "LinalgEighBackward0"
    n_outputs = 2

    @staticmethod
    def forward(ctx, A, uplo):
        ctx.uplo = uplo
        return _xp(A).linalg.eigh(A, UPLO=uplo)

    @staticmethod
    def backward(ctx, gL, gV):
        (A,) = ctx.inputs
        L, V = LinalgEigh.apply(A, uplo=ctx.uplo)  # recomputed on A itself, so the backward is differentiable
        VH = V.mT.conj()
        inner = 0
        if gV is not None:
            VhgV = VH @ gV
            VhgV = 0.5 * (VhgV - VhgV.mT.conj())  # project on the skew-Hermitian matrices
            E = L.unsqueeze(-2) - L.unsqueeze(-1)
            E = E + _eye_like(E)  # 1 on the diagonal, where VhgV is 0
            inner = VhgV / E.to(VhgV.dtype)
        if gL is not None:
            inner = inner + gL.to(V.dtype).diag_embed()
        return V @ inner @ VH


def _check_eigh(A):
    if A.dtype._cat < 2:  # torch: eigh reaches its kernel before checking the dtype
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{D.dtype_name_cap(A.dtype)}'")
    check_matrix("linalg.eigh", A, square=True)


def eigh(A: Tensor, UPLO: str = "L", *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric (Hermitian) matrix."""
    _check_eigh(A)
    w, V = LinalgEigh.apply(A, uplo=UPLO)
    return RT.get("linalg_eigh", ("eigenvalues", "eigenvectors"))(w, V)


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    """Eigenvalues (ascending) of a symmetric (Hermitian) matrix."""
    _check_eigh(A)
    return LinalgEigh.apply(A, uplo=UPLO)[0]


def _complex_of(dt):
    return np.complex64 if dt in (np.float32, np.complex64) else np.complex128


class LinalgEig(Op):
    grad_fn = "LinalgEigBackward0"
    n_outputs = 2
    saves_output = False

    @staticmethod
    def forward(ctx, A):
        w, V = _xp(A).linalg.eig(A)
        ct = _complex_of(A.dtype)
        return w.astype(ct), V.astype(ct)

    @staticmethod
    def backward(ctx, gL, gV):
        (A,) = ctx.inputs
        L, V = eig(A)  # recomputed on A itself, so the backward is differentiable
        VH = V.mT.conj()
        if gV is not None:
            VhgV = VH @ gV
            # project on the tangent space of V with unit-norm columns (torch's normalisation of eigenvectors)
            VhgV = VhgV - VH @ (V * VhgV.diagonal(0, -2, -1).real.to(V.dtype).unsqueeze(-2))
            Lc = L.conj()
            E = Lc.unsqueeze(-2) - Lc.unsqueeze(-1)
            E = E + _eye_like(E)
            inner = VhgV / E
        else:
            inner = V * 0
        if gL is not None:
            inner = inner - inner.diagonal(0, -2, -1).diag_embed() + gL.diag_embed()
        gA = solve(VH, inner @ VH)
        return gA.real if not A.dtype.is_complex else gA


def _check_eig(A, name="linalg.eig"):
    if A.dtype._cat < 2:
        raise RuntimeError(f"Unknown Complex ScalarType for {D.dtype_name_cap(A.dtype)}")
    check_matrix(name, A, square=True)
    check_low_precision("linalg.eig", A)


def eig(A: Tensor, *, out=None):
    """Complex eigenvalues and eigenvectors (columns normalised to norm 1) of a square matrix."""
    _check_eig(A)
    w, V = LinalgEig.apply(A)
    return RT.get("linalg_eig", ("eigenvalues", "eigenvectors"))(w, V)


def eigvals(A: Tensor, *, out=None) -> Tensor:
    """Complex eigenvalues of a square matrix."""
    _check_eig(A, "linalg.eigvals")
    if A.requires_grad:
        return LinalgEig.apply(A)[0]
    x = A._data
    return Tensor._from(_xp(x).linalg.eigvals(x).astype(_complex_of(x.dtype)))


# ------------------------------------------------------------------------------------------- svd
class LinalgSvd(Op):
    grad_fn = "LinalgSvdBackward0"
    n_outputs = 3

    @staticmethod
    def forward(ctx, A, full_matrices):
        ctx.full = full_matrices
        U, S, Vh = _xp(A).linalg.svd(A, full_matrices=full_matrices)
        return U, S.astype(A.real.dtype, copy=False), Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        (A,) = ctx.inputs
        m, n = A.shape[-2], A.shape[-1]
        k = builtins.min(m, n)
        U, S, Vh = LinalgSvd.apply(A, full_matrices=ctx.full)  # recomputed on A: the backward is differentiable
        if ctx.full:
            U, Vh = U[..., :k], Vh[..., :k, :]
            gU = gU[..., :k] if gU is not None else None
            gVh = gVh[..., :k, :] if gVh is not None else None
        if gU is None and gVh is None:
            return (U * gS.unsqueeze(-2)) @ Vh
        V = Vh.mT.conj()
        S2 = S * S
        E = S2.unsqueeze(-2) - S2.unsqueeze(-1)
        E = E + _eye_like(E)
        gA = 0
        if gU is not None:
            UhgU = U.mT.conj() @ gU
            gA = (UhgU - UhgU.mT.conj()) * S.unsqueeze(-2)
        if gVh is not None:
            VhgV = Vh @ gVh.mT.conj()
            gA = gA + S.unsqueeze(-1) * (VhgV - VhgV.mT.conj())
        gA = gA / E
        if gS is not None:
            gA = gA + gS.diag_embed()
        if m > k and gU is not None:
            gA = U @ gA
            gUSinv = gU / S.unsqueeze(-2)
            gA = gA + gUSinv - U @ (U.mT.conj() @ gUSinv)
            gA = gA @ Vh
        elif n > k and gVh is not None:
            gA = gA @ Vh
            SinvgVh = gVh / S.unsqueeze(-1)
            gA = gA + SinvgVh - (SinvgVh @ V) @ Vh
            gA = U @ gA
        else:
            gA = U @ gA @ Vh
        return gA


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """(U, S, Vh) with A = U diag(S) Vh; singular values descending."""
    check_matrix("linalg.svd", A)
    U, S, Vh = LinalgSvd.apply(A, full_matrices=full_matrices)
    return RT.get("linalg_svd", ("U", "S", "Vh"))(U, S, Vh)


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """Singular values, descending."""
    check_matrix("linalg.svd", A)
    if not A._requires_grad:
        x = A._data
        return Tensor._from(_xp(x).linalg.svd(x, compute_uv=False).astype(x.real.dtype, copy=False))
    return LinalgSvd.apply(A, full_matrices=False)[1]


# ------------------------------------------------------------------------------------------- derived
def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None, out=None) -> Tensor:
    """Number of singular values above max(atol, rtol * largest); int64."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    _float_or_double(A)
    s = svdvals(A.detach())._data
    eps = np.finfo(s.dtype).eps
    if tol is not None:
        atol = tol
    smax = s.max(axis=-1, initial=0.0) if s.size else np.zeros(s.shape[:-1], s.dtype)
    a = _val(atol, 0.0)
    r = _val(rtol, 0.0 if atol is not None and rtol is None else builtins.max(A.shape[-2:]) * eps)
    thr = np.maximum(a, r * smax)
    return Tensor._from(np.asarray((s > np.expand_dims(thr, -1)).sum(axis=-1), dtype=np.int64))


def _float_or_double(A):
    if A.dtype._cat < 2 or A.dtype in (D.float16, D.bfloat16):
        raise RuntimeError("This function doesn't handle types other than float and double")


def _val(v, default):
    if v is None:
        return default
    return v._data if isinstance(v, Tensor) else v


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None, rcond=None) -> Tensor:
    """Moore-Penrose pseudo-inverse via the SVD (singular values below the tolerance are dropped)."""
    if A.ndim < 2 or A.dtype._cat < 2 or A.dtype in (D.float16, D.bfloat16):
        raise RuntimeError(f"linalg.pinv({D.dtype_name_cap(A.dtype)}{{[{', '.join(str(n) for n in A.shape)}]}}): "
                           "expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types")
    if rcond is not None:
        rtol = rcond
    U, S, Vh = svd(A, full_matrices=False)
    eps = np.finfo(S._data.dtype).eps if S.numel() else 0.0
    smax = S.detach().amax(-1, keepdim=True) if S.numel() else S.detach()
    a = _val(atol, 0.0)
    r = _val(rtol, 0.0 if atol is not None and rtol is None else builtins.max(A.shape[-2:]) * eps)
    thr = (smax * r).clamp(min=float(a) if not isinstance(a, np.ndarray) else 0.0)
    keep = S > thr
    Sinv = (1 / S.masked_fill(~keep, 1.0)).masked_fill(~keep, 0.0)
    return (Vh.mT.conj() * Sinv.unsqueeze(-2).to(Vh.dtype)) @ U.mT.conj()


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """Least-squares solution of A X = B: (solution, residuals, rank, singular_values) as torch's gelsy driver."""
    _float_or_double(A)
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    vector = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vector else B
    X = pinv(A) @ Bm
    m, n = A.shape[-2], A.shape[-1]
    rank = matrix_rank(A)
    empty = Tensor._from(np.zeros((0,), dtype=A._data.real.dtype))
    resid = empty
    drv = driver or "gelsy"
    if drv in ("gelsd", "gelss"):
        sv = svdvals(A.detach())
    else:
        sv = empty
    if m > n and drv != "gelsy" and bool((rank == n).all()):
        resid = ((A @ X - Bm).abs() ** 2).sum(-2).detach()
    if drv == "gels":
        rank = Tensor._from(np.zeros((0,), dtype=np.int64))
    return RT.get("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))(
        X.squeeze(-1) if vector else X, resid, rank, sv)


def matrix_power(A: Tensor, n: int, *, out=None) -> Tensor:
    """A to the integer power ``n`` (by repeated squaring; negative ``n`` inverts first)."""
    check_matrix("linalg.matrix_power", A, square=True) if A.dtype._cat >= 2 else None
    if n == 0:
        return (A * 0 + _eye_like(A).to(A.dtype)) if A.dtype._cat >= 2 else \
            Tensor._from(np.broadcast_to(np.eye(A.shape[-1], dtype=A._data.dtype), A.shape).copy())
    if n < 0:
        A, n = inv(A), -n
    result = None
    base = A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def matrix_exp(A: Tensor) -> Tensor:
    """exp(A) by scaling and squaring with a Taylor series (differentiable through matmuls)."""
    check_matrix("linalg.matrix_exp", A, square=True)
    nrm = float(np.abs(A._data).sum(axis=-2).max()) if A.numel() else 0.0
    s = builtins.max(0, int(np.ceil(np.log2(nrm))) + 1) if nrm > 0.5 else 0
    X = A / (2 ** s)
    term = _eye_like(A).to(A.dtype) + X * 0
    out = term
    for k in range(1, 18):
        term = term @ X / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


def cross(input: Tensor, other: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (broadcasting the other dims)."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    from ..ops.pointwise import check_broadcast

    shape = check_broadcast(input.shape, other.shape)
    d = wrap_dim(dim, len(shape))
    a, b = input.expand(shape), other.expand(shape)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    a0, a1, a2 = (a.narrow(d, i, 1) for i in range(3))
    b0, b1, b2 = (b.narrow(d, i, 1) for i in range(3))
    from ..ops.shape import cat

    return cat([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def multi_dot(tensors, *, out=None) -> Tensor:
    """The product of a chain of matrices (the first and last may be vectors)."""
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first_vec, last_vec = ts[0].ndim == 1, ts[-1].ndim == 1
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    r = ts[0]
    for t in ts[1:]:
        r = r.mm(t)
    if first_vec:
        r = r.squeeze(0)
    if last_vec:
        r = r.squeeze(-1)
    return r


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    return (x.conj() * y).sum(dim)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return A.diagonal(offset, dim1, dim2)


def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    return input.matmul(other)
