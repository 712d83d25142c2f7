"""Fused recurrent layers: one graph node per layer, direction and sequence (not one per time step).

The forward runs the input projection of all steps as one GEMM, then loops over time in NumPy; the backward is
backpropagation through time in NumPy, with the weight gradients as one GEMM each over all steps. Gate order is
torch's: LSTM (i, f, g, o), GRU (r, z, n) with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).

When the backward itself must be differentiable (``create_graph=True``) the layer is recomputed with ember ops and
differentiated by the engine instead (``_composed``), which is slower but exact.
"""

from __future__ import annotations

from ..autograd.function import Op
from ..autograd.grad_mode import state
from ..backend import array_module

_GATES = {"rnn_tanh": 1, "rnn_relu": 1, "gru": 3, "lstm": 4}


def _sigmoid(xp, a):
    with _errstate(xp):
        return 1.0 / (1.0 + xp.exp(-a))


class _errstate:
    def __init__(self, xp):
        self.xp = xp

    def __enter__(self):
        if hasattr(self.xp, "errstate"):
            self._s = self.xp.errstate(over="ignore")
            self._s.__enter__()

    def __exit__(self, *exc):
        if hasattr(self.xp, "errstate"):
            self._s.__exit__(*exc)


def _sigmoid_(xp, a):
    """a <- 1 / (1 + exp(-a)), in place (the same formula as ember.sigmoid, without temporaries)."""
    with _errstate(xp):
        xp.negative(a, out=a)
        xp.exp(a, out=a)
        a += 1
        xp.reciprocal(a, out=a)


def _forward(xp, mode, reverse, x, h0, c0, w_ih, w_hh, b_ih, b_hh, sizes=None):
    """Run one layer over x (T, B, I); return (y, h_T, c_T, saved) where saved holds what BPTT needs.

    ``sizes`` (a packed sequence's batch_sizes, non-increasing) makes only the first sizes[t] rows step at time t;
    the others keep their state and output zeros. Each step writes into preallocated buffers (``out=``): no
    temporaries the size of the gates, which keeps the small-matrix time loop cheap (bench_conv.py, lstm case).
    """
    T, B, _ = x.shape
    H = w_hh.shape[1]
    G = w_hh.shape[0]
    xw = (x.reshape(T * B, -1) @ w_ih.T).reshape(T, B, G)
    if b_ih is not None:
        xw += b_ih
    if b_hh is not None and mode != "gru":  # GRU needs b_hn inside r * (W_hn h + b_hn)
        xw += b_hh
    whh_t = xp.ascontiguousarray(w_hh.T)
    alloc = xp.empty if sizes is None else xp.zeros  # rows that never step must hold zeros for the GEMMs of BPTT
    y = alloc((T, B, H), dtype=x.dtype)
    hprev = alloc((T, B, H), dtype=x.dtype)  # the state entering each step
    gates = xp.empty((T, B, G), dtype=x.dtype)  # activations of each step
    hw = xp.empty((B, G), dtype=x.dtype)
    hw_n = xp.empty((T, B, H), dtype=x.dtype) if mode == "gru" else None
    cs = xp.empty((T, B, H), dtype=x.dtype) if mode == "lstm" else None
    cprev = xp.empty((T, B, H), dtype=x.dtype) if mode == "lstm" else None
    hcur = h0.copy()
    ccur = c0.copy() if mode == "lstm" else None
    steps = range(T - 1, -1, -1) if reverse else range(T)
    for t in steps:
        n = B if sizes is None else sizes[t]
        hprev[t, :n] = hcur[:n]
        hwn = hw[:n]
        xp.matmul(hcur[:n], whh_t, out=hwn)
        a = gates[t, :n]
        h = y[t, :n]
        if mode == "lstm":
            xp.add(xw[t, :n], hwn, out=a)
            _sigmoid_(xp, a[:, : 2 * H])
            xp.tanh(a[:, 2 * H : 3 * H], out=a[:, 2 * H : 3 * H])
            _sigmoid_(xp, a[:, 3 * H :])
            i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
            cprev[t, :n] = ccur[:n]
            c = cs[t, :n]
            xp.multiply(f, cprev[t, :n], out=c)
            c += i * g
            xp.tanh(c, out=h)
            h *= o
            ccur[:n] = c
        elif mode == "gru":
            if b_hh is not None:
                hwn += b_hh
            xp.add(xw[t, :n, : 2 * H], hwn[:, : 2 * H], out=a[:, : 2 * H])
            _sigmoid_(xp, a[:, : 2 * H])
            r, z, nn = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
            hw_n[t, :n] = hwn[:, 2 * H :]
            xp.multiply(r, hw_n[t, :n], out=nn)
            nn += xw[t, :n, 2 * H :]
            xp.tanh(nn, out=nn)
            xp.subtract(hprev[t, :n], nn, out=h)  # h = (1 - z) * n + z * h_prev = n + z * (h_prev - n)
            h *= z
            h += nn
        else:  # a keeps h_t for backward apart from y, which the caller may modify in place
            xp.add(xw[t, :n], hwn, out=a)
            if mode == "rnn_tanh":
                xp.tanh(a, out=a)
            else:
                xp.maximum(a, 0, out=a)
            h[...] = a
        hcur[:n] = h
    return y, hcur, ccur, (hprev, gates, hw_n, cs, cprev, sizes)


def _backward(xp, mode, reverse, x, w_ih, w_hh, has_bias, saved, gy, gh, gc):
    """BPTT: gradients of (x, h0, c0, w_ih, w_hh, b_ih, b_hh) as arrays."""
    hprev, gates, hw_n, cs, cprev, sizes = saved
    T, B, _ = x.shape
    H = w_hh.shape[1]
    alloc = xp.empty_like if sizes is None else xp.zeros_like  # rows that never step get no gradient
    dxw = alloc(gates)  # d(loss)/d(x @ w_ih.T + b_ih), per step
    dhw = alloc(gates) if mode == "gru" else dxw  # d(loss)/d(h @ w_hh.T + b_hh)
    dh = xp.zeros((B, H), dtype=x.dtype) if gh is None else gh.copy()
    dc = None
    if mode == "lstm":
        dc = xp.zeros((B, H), dtype=x.dtype) if gc is None else gc.copy()
    steps = range(T) if reverse else range(T - 1, -1, -1)
    for t in steps:
        n = B if sizes is None else sizes[t]
        if gy is not None:
            dh[:n] += gy[t, :n]
        dhn = dh[:n]
        if mode == "lstm":
            a = gates[t, :n]
            i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
            tc = xp.tanh(cs[t, :n])
            dcn = dc[:n] + dhn * o * (1 - tc * tc)
            d = dxw[t, :n]
            d[:, :H] = dcn * g * i * (1 - i)
            d[:, H : 2 * H] = dcn * cprev[t, :n] * f * (1 - f)
            d[:, 2 * H : 3 * H] = dcn * i * (1 - g * g)
            d[:, 3 * H :] = dhn * tc * o * (1 - o)
            dc[:n] = dcn * f
            dh[:n] = d @ w_hh
        elif mode == "gru":
            a = gates[t, :n]
            r, z, nn = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
            dn = dhn * (1 - z) * (1 - nn * nn)
            dr = dn * hw_n[t, :n] * r * (1 - r)
            dz = dhn * (hprev[t, :n] - nn) * z * (1 - z)
            dxw[t, :n, :H], dxw[t, :n, H : 2 * H], dxw[t, :n, 2 * H :] = dr, dz, dn
            dhw[t, :n, :H], dhw[t, :n, H : 2 * H], dhw[t, :n, 2 * H :] = dr, dz, dn * r
            dh[:n] = dhn * z + dhw[t, :n] @ w_hh
        else:
            h = gates[t, :n]
            da = dhn * (1 - h * h) if mode == "rnn_tanh" else dhn * (h > 0)
            dxw[t, :n] = da
            dh[:n] = da @ w_hh
    flat_x = dxw.reshape(T * B, -1)
    flat_h = dhw.reshape(T * B, -1)
    gx = (flat_x @ w_ih).reshape(x.shape)
    gw_ih = flat_x.T @ x.reshape(T * B, -1)
    gw_hh = flat_h.T @ hprev.reshape(T * B, -1)
    gb_ih = flat_x.sum(axis=0) if has_bias else None
    gb_hh = flat_h.sum(axis=0) if has_bias else None
    return gx, dh, dc, gw_ih, gw_hh, gb_ih, gb_hh


def _composed(mode, reverse, x, h0, c0, w_ih, w_hh, b_ih, b_hh, sizes=None):
    """The same layer with ember ops (a node per step): used to differentiate the backward itself."""
    import ember

    T, B = x.shape[0], x.shape[1]
    H = w_hh.shape[1]
    xw = x.matmul(w_ih.t())
    if b_ih is not None:
        xw = xw + b_ih
    h, c = h0, c0
    ys = [None] * T
    steps = range(T - 1, -1, -1) if reverse else range(T)
    for t in steps:
        n = B if sizes is None else sizes[t]
        hp, cp = h[:n], (c[:n] if c is not None else None)
        hw = hp.matmul(w_hh.t())
        if b_hh is not None:
            hw = hw + b_hh
        xt = xw[t, :n]
        if mode == "lstm":
            a = xt + hw
            i, f = a[:, :H].sigmoid(), a[:, H : 2 * H].sigmoid()
            g, o = a[:, 2 * H : 3 * H].tanh(), a[:, 3 * H :].sigmoid()
            cn = f * cp + i * g
            hn = o * cn.tanh()
        elif mode == "gru":
            r = (xt[:, :H] + hw[:, :H]).sigmoid()
            z = (xt[:, H : 2 * H] + hw[:, H : 2 * H]).sigmoid()
            nn = (xt[:, 2 * H :] + r * hw[:, 2 * H :]).tanh()
            hn = (1 - z) * nn + z * hp
        else:
            a = xt + hw
            hn = a.tanh() if mode == "rnn_tanh" else a.relu()
        if n < B:  # rows past this step's batch size keep their state and output zeros
            ys[t] = ember.cat([hn, ember.zeros(B - n, H, dtype=hn.dtype)])
            h = ember.cat([hn, h[n:]])
            if mode == "lstm":
                c = ember.cat([cn, c[n:]])
        else:
            ys[t], h = hn, hn
            if mode == "lstm":
                c = cn
    return ember.stack(ys), h, c


class RNNLayer(Op):
    """One layer and direction of an Elman RNN or a GRU: (x, h0, w_ih, w_hh, b_ih, b_hh) -> (y, h_T)."""

    grad_fn = "StackBackward0"  # torch: its CPU RNN/GRU layer stacks per-step outputs, and prints this node
    n_outputs = 2

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, *, mode, reverse, sizes=None):
        xp = array_module(x)
        y, h, _, saved = _forward(xp, mode, reverse, x, h0, None, w_ih, w_hh, b_ih, b_hh, sizes)
        ctx.mode, ctx.reverse, ctx.saved, ctx.sizes = mode, reverse, saved, sizes
        return y, h

    @staticmethod
    def backward(ctx, gy, gh):
        x, h0, w_ih, w_hh, b_ih, b_hh = ctx.inputs
        if state.enabled:  # create_graph: differentiate a composed recomputation instead
            return _grad_composed(ctx, (x, h0, None, w_ih, w_hh, b_ih, b_hh), (gy, gh))
        xp = array_module(x._data)
        r = _backward(
            xp,
            ctx.mode,
            ctx.reverse,
            x._data,
            w_ih._data,
            w_hh._data,
            b_ih is not None,
            ctx.saved,
            _arr(gy),
            _arr(gh),
            None,
        )
        gx, gh0, _, gw_ih, gw_hh, gb_ih, gb_hh = r
        return _wrap_grads(ctx, (gx, gh0, gw_ih, gw_hh, gb_ih, gb_hh))


class LSTMLayer(Op):
    """One layer and direction of an LSTM: (x, h0, c0, w_ih, w_hh, b_ih, b_hh) -> (y, h_T, c_T)."""

    grad_fn = "MkldnnRnnLayerBackward0"
    n_outputs = 3

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, *, reverse, sizes=None):
        xp = array_module(x)
        y, h, c, saved = _forward(xp, "lstm", reverse, x, h0, c0, w_ih, w_hh, b_ih, b_hh, sizes)
        ctx.reverse, ctx.saved, ctx.sizes = reverse, saved, sizes
        return y, h, c

    @staticmethod
    def backward(ctx, gy, gh, gc):
        x, h0, c0, w_ih, w_hh, b_ih, b_hh = ctx.inputs
        if state.enabled:
            return _grad_composed(ctx, (x, h0, c0, w_ih, w_hh, b_ih, b_hh), (gy, gh, gc))
        xp = array_module(x._data)
        r = _backward(
            xp,
            "lstm",
            ctx.reverse,
            x._data,
            w_ih._data,
            w_hh._data,
            b_ih is not None,
            ctx.saved,
            _arr(gy),
            _arr(gh),
            _arr(gc),
        )
        return _wrap_grads(ctx, r)


def _arr(g):
    return None if g is None else g._data


def _wrap_grads(ctx, grads):
    from .._tensor import Tensor

    return tuple(
        Tensor._from(g) if g is not None and need else None
        for g, need in zip(grads, ctx.needs_input_grad, strict=False)
    )


def _grad_composed(ctx, inputs, grads):
    import ember

    x, h0, c0, w_ih, w_hh, b_ih, b_hh = inputs
    mode = "lstm" if c0 is not None else ctx.mode
    outs = _composed(mode, ctx.reverse, x, h0, c0, w_ih, w_hh, b_ih, b_hh, ctx.sizes)
    outs = outs if c0 is not None else outs[:2]
    pairs = [(o, g) for o, g in zip(outs, grads, strict=False) if g is not None]
    args = [x, h0, w_ih, w_hh, b_ih, b_hh] if c0 is None else [x, h0, c0, w_ih, w_hh, b_ih, b_hh]
    wanted = [a for a, need in zip(args, ctx.needs_input_grad, strict=False) if need]
    res = ember.autograd.grad(
        [o for o, _ in pairs], wanted, [g for _, g in pairs], create_graph=True, allow_unused=True
    )
    it = iter(res)
    return tuple(next(it) if need else None for need in ctx.needs_input_grad)
