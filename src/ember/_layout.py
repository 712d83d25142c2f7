"""torch.layout objects (only strided and sparse_coo exist in ember) and torch.memory_format objects."""


class layout:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


strided = layout("strided")
sparse_coo = layout("sparse_coo")


def _by_name(name):
    return {"strided": strided, "sparse_coo": sparse_coo}[name]


class memory_format:
    """A tensor memory layout request (``torch.contiguous_format``); ember stores row-major arrays."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_format_by_name, (self.name,))


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
_FORMATS = {f.name: f for f in (contiguous_format, preserve_format, channels_last, channels_last_3d)}


def _format_by_name(name):
    return _FORMATS[name]
