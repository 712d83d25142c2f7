"""torch.return_types: the named tuples that max(dim=), sort, topk, linalg.eigh ... return.

Each is a tuple subclass with named fields that prints as torch prints it:
``torch.return_types.max(\\nvalues=tensor([...]),\\nindices=tensor([...]))``.
"""

from __future__ import annotations

_TYPES: dict = {}


def _make(name: str, fields: tuple) -> type:
    def __new__(cls, *args):
        if len(args) == 1 and isinstance(args[0], (tuple, list)):
            args = tuple(args[0])
        if len(args) != len(fields):
            raise TypeError(f"torch.return_types.{name} takes a {len(fields)}-sequence ({len(args)}-sequence given)")
        return tuple.__new__(cls, args)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self, strict=False))
        return f"torch.return_types.{name}(\n{body})"

    ns = {"__new__": __new__, "__repr__": __repr__, "__str__": __repr__, "n_fields": len(fields),
          "n_sequence_fields": len(fields), "n_unnamed_fields": 0, "__slots__": (), "_fields": fields,
          "__module__": "torch.return_types", "__reduce__": lambda self: (_rebuild, (name, fields, tuple(self)))}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: tuple.__getitem__(self, i))
    cls = type(name, (tuple,), ns)
    cls.__qualname__ = name
    return cls


def get(name: str, fields: tuple) -> type:
    """Return (creating once) the return type ``torch.return_types.<name>`` with ``fields``."""
    cls = _TYPES.get(name)
    if cls is None:
        cls = _TYPES[name] = _make(name, tuple(fields))
        globals()[name] = cls
    return cls


def _rebuild(name, fields, values):
    return get(name, fields)(values)


_VI = ("values", "indices")
for _n in ("max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin"):
    get(_n, _VI)
get("aminmax", ("min", "max"))
get("linalg_eigh", ("eigenvalues", "eigenvectors"))
get("linalg_eig", ("eigenvalues", "eigenvectors"))
get("linalg_slogdet", ("sign", "logabsdet"))
get("slogdet", ("sign", "logabsdet"))
get("linalg_svd", ("U", "S", "Vh"))
get("svd", ("U", "S", "V"))
get("linalg_qr", ("Q", "R"))
get("qr", ("Q", "R"))
get("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
get("linalg_inv_ex", ("inverse", "info"))
get("linalg_cholesky_ex", ("L", "info"))
get("linalg_solve_ex", ("result", "info"))
get("frexp", ("mantissa", "exponent"))
get("histogram", ("hist", "bin_edges"))
del _n
