"""ember: PyTorch's programming model and API in Python on NumPy (CPU) and CuPy (CUDA GPUs).

This module is the ``torch`` namespace: re-exports only, no logic.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import _dtype
from ._device import device
from ._dtype import (
    bfloat16, bool, cdouble, cfloat, complex64, complex128, double, dtype, float, float16, float32, float64,
    get_default_dtype, half, int, int8, int16, int32, int64, long, promote_types, set_default_dtype, short, uint8,
)
from ._layout import layout, sparse_coo, strided
from ._size import Size
from ._tensor import Tensor
from .autograd.grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from .ops import arith as _arith, compare as _compare, creation as _creation, index as _index  # noqa: F401
from .ops import linalg as _linalg, pointwise as _pointwise, reduce as _reduce, shape as _shape  # noqa: F401
from .ops import unary as _unary  # noqa: F401
from .ops.arith import (
    add, div, divide, float_power, floor_divide, fmod, mul, multiply, neg, negative, pow, remainder, rsub, sub,
    subtract, true_divide,
)
from .ops.compare import (
    allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, equal, ge, greater, greater_equal, gt, isclose,
    isfinite, isinf, isnan, isneginf, isposinf, isreal, le, less, less_equal, logical_and, logical_not, logical_or,
    logical_xor, lt, ne, not_equal,
)
from .ops.creation import (
    arange, as_tensor, asarray, complex, empty, empty_like, empty_strided, eye, from_dlpack, from_numpy, full,
    full_like, linspace, logspace, ones, ones_like, scalar_tensor, tensor, zeros, zeros_like,
)
from .ops.index import (
    argwhere, gather, index_add, index_put, index_select, masked_fill, masked_select, nonzero, scatter, scatter_add,
    take, take_along_dim,
)
from .ops.linalg import addmm, bmm, dot, ger, inner, matmul, mm, mv, outer, vdot
from .ops.pointwise import (
    addcdiv, addcmul, arctan2, atan2, clamp, clamp_max, clamp_min, clip, fmax, fmin, hypot, lerp, logaddexp, logit,
    maximum, minimum, nan_to_num, round, where, xlogy,
)
from .ops.reduce import (
    all, amax, amin, any, argmax, argmin, count_nonzero, cumprod, cumsum, logsumexp, max, mean, min, prod, std,
    std_mean, sum, var, var_mean,
)
from .ops.shape import (
    atleast_1d, broadcast_to, cat, chunk, clone, column_stack, concat, concatenate, dstack, flatten, flip, fliplr,
    flipud, hstack, moveaxis, movedim, narrow, permute, ravel, repeat, reshape, row_stack, select, split, squeeze,
    stack, swapaxes, swapdims, t, tensor_split, tile, transpose, unbind, unflatten, unsqueeze, vstack,
)
from .ops.unary import (  # noqa: F401
    abs, absolute, acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctanh, asin, asinh, atan, atanh, ceil,
    conj, cos, cosh, digamma, erf, erfc, erfinv, exp, exp2, expm1, fix, floor, frac, lgamma, log, log1p, log2, log10,
    reciprocal, relu, rsqrt, sgn, sigmoid, sign, sin, sinh, sqrt, square, tan, tanh, trunc,
)
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from . import autograd  # noqa: E402
from . import _legacy  # noqa: E402
from ._legacy import (  # noqa: E402
    BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor,
)
from ._misc import (  # noqa: E402
    broadcast_shapes, broadcast_tensors, can_cast, is_complex, is_floating_point, is_nonzero,
    is_tensor, numel, result_type, typename,
)
from . import cuda  # noqa: E402

from . import random  # noqa: E402
from .random import (  # noqa: E402
    Generator, bernoulli, default_generator, get_rng_state, initial_seed, manual_seed, multinomial, normal, poisson,
    rand, rand_like, randint, randint_like, randn, randn_like, randperm, seed, set_rng_state,
)
from .ops.sort import *  # noqa: E402,F401,F403
from .ops.misc import *  # noqa: E402,F401,F403
from . import linalg, sparse  # noqa: E402,F401
from .sparse import *  # noqa: E402,F401,F403
from . import distributions, nn, optim, utils  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401
from .backend.threads import (  # noqa: E402,F401
    get_num_interop_threads, get_num_threads, set_num_interop_threads, set_num_threads,
)
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled  # noqa: E402,F401
from ._layout import channels_last, contiguous_format, memory_format, preserve_format  # noqa: E402,F401
# the functional ops torch also exposes at top level (torch.softmax, torch.conv2d, ...)
from .ops.nn import log_softmax, softmax  # noqa: E402,F401
from .nn.functional import (  # noqa: E402,F401
    alpha_dropout, batch_norm, bilinear, binary_cross_entropy_with_logits, celu, cosine_similarity, dropout,
    embedding, group_norm, hardshrink, instance_norm, layer_norm, pairwise_distance, prelu, selu, threshold,
)
from .nn.functional import dropout2d as feature_dropout  # noqa: E402,F401
from .nn.functional_conv import (  # noqa: E402,F401
    adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, conv1d, conv2d, conv3d, conv_transpose1d,
    conv_transpose2d, conv_transpose3d, max_pool1d, max_pool1d_with_indices, max_pool2d, max_pool3d, pixel_shuffle,
    pixel_unshuffle,
)
from ._dtype import finfo, iinfo  # noqa: E402,F401
from .ops.compare import bitwise_left_shift, bitwise_right_shift  # noqa: E402,F401
