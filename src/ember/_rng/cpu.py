"""Which of torch's CPU kernel builds (default, AVX2, AVX-512) would run here: it decides FMA contraction."""

from __future__ import annotations

import functools
import os

_ORDER = ("default", "avx2", "avx512")


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


@functools.lru_cache(maxsize=1)
def detect_capability() -> str:
    """Return ``"default"``, ``"avx2"`` or ``"avx512"``: the kernel build torch would dispatch to on this CPU.

    torch: AVX2 needs avx2 + fma, AVX-512 needs avx512f/bw/vl/dq + fma; ``ATEN_CPU_CAPABILITY`` may lower the choice.
    Where the flags cannot be read (not Linux) an x86-64 machine is assumed to have AVX2, the common case.
    """
    flags = _cpu_flags()
    if not flags:
        import platform

        best = "avx2" if platform.machine().lower() in ("x86_64", "amd64") else "default"
    elif {"avx512f", "avx512bw", "avx512vl", "avx512dq", "fma"} <= flags:
        best = "avx512"
    elif {"avx2", "fma"} <= flags:
        best = "avx2"
    else:
        best = "default"
    asked = os.environ.get("ATEN_CPU_CAPABILITY", "").strip().lower()
    if asked in _ORDER and _ORDER.index(asked) < _ORDER.index(best):
        return asked
    return best


def capability_uses_fma(capability: str) -> bool:
    """Say whether torch's distribution kernels of this build fuse ``a*b + c`` (the AVX2 and AVX-512 builds do)."""
    return capability != "default"
