"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters."""

from __future__ import annotations

from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, get_total_norm  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401

try:  # the RNN helpers belong to the RNN work (pad_sequence, pack_padded_sequence ...)
    from . import rnn  # noqa: F401
except ImportError:  # pragma: no cover
    pass
