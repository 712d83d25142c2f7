"""Recurrent layers (torch.nn.modules.rnn): RNN, GRU, LSTM and their cells, with torch's parameter names and init.

A layer runs as one fused op per layer and direction (ops/rnn.py); cells are a few ember ops.
"""

from __future__ import annotations

import math

import numpy as np

import ember

from ...ops import rnn as _rnn
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "GRU", "LSTM", "RNNCellBase", "RNNCell", "GRUCell", "LSTMCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "LSTM": 4}


def _size(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


class RNNBase(Module):
    """The shared machinery of RNN, GRU and LSTM: parameters named ``weight_ih_l{k}[_reverse]`` etc."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
            )
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size:
            raise NotImplementedError("ember's LSTM does not support proj_size > 0 yet")
        if dropout > 0 and num_layers == 1:
            import warnings

            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                stacklevel=2,
            )
        gate_size = _GATES[mode] * hidden_size
        num_directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                params = [
                    Parameter(ember.empty((gate_size, layer_input), device=device, dtype=dtype)),
                    Parameter(ember.empty((gate_size, hidden_size), device=device, dtype=dtype)),
                ]
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                if bias:
                    params += [
                        Parameter(ember.empty(gate_size, device=device, dtype=dtype)),
                        Parameter(ember.empty(gate_size, device=device, dtype=dtype)),
                    ]
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                for name, p in zip(names, params, strict=False):
                    setattr(self, name, p)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """No-op (cuDNN's weight packing has no NumPy counterpart)."""

    def reset_parameters(self) -> None:
        # torch: every weight and bias ~ U(-1/sqrt(hidden), 1/sqrt(hidden)), drawn in parameter order
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------------ forward
    def _check_input(self, input):
        if input.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.ndim}D tensor instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {input.shape[-1]}"
            )

    def _check_hidden(self, hx, expected, name="hidden"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected {name} size {expected}, got {_size(hx.shape)}")

    def _run(self, input, hx, cx, sizes=None):
        """input (T, B, I), hx/cx (L*D, B, H) -> y (T, B, D*H), h_n, c_n."""
        lstm = self.mode == "LSTM"
        mode = {"RNN_TANH": "rnn_tanh", "RNN_RELU": "rnn_relu", "GRU": "gru"}.get(self.mode)
        D = 2 if self.bidirectional else 1
        hs, cs = [], []
        x = input
        for layer in range(self.num_layers):
            outs = []
            for d in range(D):
                k = layer * D + d
                names = self._all_weights[k]
                w = [getattr(self, n) for n in names]
                w_ih, w_hh = w[0], w[1]
                b_ih, b_hh = (w[2], w[3]) if self.bias else (None, None)
                if lstm:
                    y, h, c = _rnn.LSTMLayer.apply(x, hx[k], cx[k], w_ih, w_hh, b_ih, b_hh, reverse=d == 1, sizes=sizes)
                    cs.append(c)
                else:
                    y, h = _rnn.RNNLayer.apply(x, hx[k], w_ih, w_hh, b_ih, b_hh, mode=mode, reverse=d == 1, sizes=sizes)
                hs.append(h)
                outs.append(y)
            x = outs[0] if D == 1 else ember.cat(outs, dim=2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                from .. import functional

                x = functional.dropout(x, self.dropout, True)
        return x, ember.stack(hs), (ember.stack(cs) if lstm else None)

    def _forward_packed(self, packed, hx):
        """Run on a PackedSequence: steps of time t advance only its first batch_sizes[t] (longest) sequences."""
        data, batch_sizes = packed.data, packed.batch_sizes
        sorted_idx, unsorted_idx = packed.sorted_indices, packed.unsorted_indices
        if data.ndim != 2:
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {data.ndim + 1}D tensor instead"
            )
        if data.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {data.shape[-1]}"
            )
        sizes = tuple(int(v) for v in batch_sizes.tolist())
        T, B = len(sizes), sizes[0]
        # (T, B) positions -> row of data; padded positions read an extra zero row
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        cols = np.arange(B)
        rows = np.where(cols[None, :] < np.asarray(sizes)[:, None], offsets[:, None] + cols[None, :], data.shape[0])
        padded_src = ember.cat([data, ember.zeros(1, data.shape[1], dtype=data.dtype, device=data.device)])
        x = padded_src.index_select(0, ember.tensor(rows.reshape(-1))).reshape(T, B, data.shape[1])
        lstm = self.mode == "LSTM"
        D = 2 if self.bidirectional else 1
        expected = (self.num_layers * D, B, self.hidden_size)
        if hx is None:
            z = ember.zeros(expected, dtype=data.dtype, device=data.device)
            hx, cx = z, (z if lstm else None)
        else:
            hx, cx = hx if lstm else (hx, None)
            if sorted_idx is not None:  # the caller's order -> the packed (by length) order
                hx = hx.index_select(1, sorted_idx)
                cx = cx.index_select(1, sorted_idx) if lstm else None
            self._check_hidden(hx, expected, "hidden[0]" if lstm else "hidden")
            if lstm:
                self._check_hidden(cx, expected, "hidden[1]")
        y, h, c = self._run(x, hx, cx, sizes)
        active = (np.arange(T)[:, None] * B + cols[None, :])[cols[None, :] < np.asarray(sizes)[:, None]]
        out = y.reshape(T * B, -1).index_select(0, ember.tensor(active))
        if unsorted_idx is not None:
            h = h.index_select(1, unsorted_idx)
            c = c.index_select(1, unsorted_idx) if lstm else None
        out = type(packed)(out, batch_sizes, sorted_idx, unsorted_idx)
        return (out, (h, c)) if lstm else (out, h)

    def forward(self, input, hx=None):
        if not isinstance(input, ember.Tensor) and hasattr(input, "batch_sizes"):
            return self._forward_packed(input, hx)
        self._check_input(input)
        lstm = self.mode == "LSTM"
        batched = input.ndim == 3
        D = 2 if self.bidirectional else 1
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        B = input.shape[1]
        expected = (self.num_layers * D, B, self.hidden_size)
        if hx is None:
            z = ember.zeros(expected, dtype=input.dtype, device=input.device)
            hx, cx = z, (z if lstm else None)
        else:
            if lstm:
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise RuntimeError("LSTM expects hx to be a tuple (h_0, c_0)")
                hx, cx = hx
            else:
                cx = None
            for t in [hx] + ([cx] if lstm else []):
                if not batched and t.ndim != 2:
                    raise RuntimeError(
                        f"For unbatched 2-D input, hx{' and cx' if lstm else ''} should also be 2-D "
                        f"but got {t.ndim}-D tensor" + ("s" if lstm else "")
                    )
                if batched and t.ndim != 3:
                    raise RuntimeError(
                        f"For batched 3-D input, hx{' and cx' if lstm else ''} should also be 3-D "
                        f"but got {t.ndim}-D tensor" + ("s" if lstm else "")
                    )
            if not batched:
                hx = hx.unsqueeze(1)
                cx = cx.unsqueeze(1) if lstm else None
            self._check_hidden(hx, expected, "hidden[0]" if lstm else "hidden")
            if lstm:
                self._check_hidden(cx, expected, "hidden[1]")
        y, h, c = self._run(input, hx, cx)
        if not batched:
            y, h = y.squeeze(1), h.squeeze(1)
            c = c.squeeze(1) if lstm else None
        elif self.batch_first:
            y = y.transpose(0, 1)
        return (y, (h, c)) if lstm else (y, h)


class RNN(RNNBase):
    """An Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu), stacked and/or bidirectional.

    >>> nn.RNN(28, 256)
    RNN(28, 256)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.__dict__["nonlinearity"] = nonlinearity  # torch sets it before Module.__init__
        super().__init__(
            mode,
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
        )


class GRU(RNNBase):
    """A gated recurrent unit layer (gates r, z, n as torch orders them).

    >>> nn.GRU(28, 128)
    GRU(28, 128)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
        )


class LSTM(RNNBase):
    """A long short-term memory layer (gates i, f, g, o as torch orders them); state is (h, c).

    >>> nn.LSTM(28, 64, num_layers=2)
    LSTM(28, 64, num_layers=2)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device=device,
            dtype=dtype,
        )


# --------------------------------------------------------------------------------------------- cells
class RNNCellBase(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None, dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(ember.empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(ember.empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(ember.empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(ember.empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += f", bias={self.bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input, hx, n_states=1):
        if input.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if hx is not None:
            for h in hx if isinstance(hx, tuple) else (hx,):
                if h.ndim not in (1, 2):
                    raise ValueError(f"{type(self).__name__}: Expected hidden to be 1D or 2D, got {h.ndim}D instead")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}")
        if hx is None:
            z = ember.zeros(input.shape[0], self.hidden_size, dtype=input.dtype, device=input.device)
            hx = (z, z) if n_states == 2 else z
        elif not batched:
            hx = tuple(h.unsqueeze(0) for h in hx) if isinstance(hx, tuple) else hx.unsqueeze(0)
        for i, h in enumerate(hx if isinstance(hx, tuple) else (hx,)):
            if h.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size {h.shape[0]}")
            if h.shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden{i} has inconsistent hidden_size: got {h.shape[1]}, expected {self.hidden_size}"
                )
        return input, hx, batched

    def _proj(self, input, h):
        xw = input.matmul(self.weight_ih.t())
        hw = h.matmul(self.weight_hh.t())
        if self.bias_ih is not None:
            xw = xw + self.bias_ih
            hw = hw + self.bias_hh
        return xw, hw


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh", device=None, dtype=None
    ) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx)
        xw, hw = self._proj(input, hx)
        if self.nonlinearity == "tanh":
            h = (xw + hw).tanh()
        elif self.nonlinearity == "relu":
            h = (xw + hw).relu()
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return h if batched else h.squeeze(0)


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx)
        H = self.hidden_size
        xw, hw = self._proj(input, hx)
        r = (xw[:, :H] + hw[:, :H]).sigmoid()
        z = (xw[:, H : 2 * H] + hw[:, H : 2 * H]).sigmoid()
        n = (xw[:, 2 * H :] + r * hw[:, 2 * H :]).tanh()
        h = (1 - z) * n + z * hx
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o); returns (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx, n_states=2)
        h0, c0 = hx
        H = self.hidden_size
        xw, hw = self._proj(input, h0)
        a = xw + hw
        i, f = a[:, :H].sigmoid(), a[:, H : 2 * H].sigmoid()
        g, o = a[:, 2 * H : 3 * H].tanh(), a[:, 3 * H :].sigmoid()
        c = f * c0 + i * g
        h = o * c.tanh()
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))
