"""Validation of the multiprocessing keywords (pypet's rules, with clear messages)."""

from __future__ import annotations

from typing import Any

from pypet import constants as C

__all__ = ["validate_multiproc"]

_NET_MODES = (C.MULTIPROC_MODE_NETLOCK, C.MULTIPROC_MODE_NETQUEUE)
#: the wrap modes this version implements (the NET modes are known but refused)
_SUPPORTED_MODES = tuple(m for m in C.WRAP_MODES if m not in _NET_MODES)


def _check_cap(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
        raise ValueError(f"{name} must be a percentage in (0, 100], got {value!r}.")
    return float(value)


def validate_multiproc(s: Any) -> None:
    """Normalise and check the multiprocessing settings of ``s`` (EnvironmentSettings)."""
    if s.wrap_mode is None:
        s.wrap_mode = C.MULTIPROC_MODE_NONE
    if not isinstance(s.wrap_mode, str) or s.wrap_mode.upper() not in C.WRAP_MODES:
        raise ValueError(
            f"wrap_mode must be one of {', '.join(_SUPPORTED_MODES)} (or None), got "
            f"{s.wrap_mode!r}."
        )
    s.wrap_mode = s.wrap_mode.upper()
    if s.wrap_mode in _NET_MODES:
        raise ValueError(
            f"wrap_mode={s.wrap_mode!r} (zmq servers) is replaced by executors: pass "
            "executor='dask' or a dask.distributed Client to run on many machines; the "
            "driver process writes the file."
        )
    if s.port is not None:
        raise ValueError("port= belonged to NETLOCK/NETQUEUE, which executors replace.")
    if s.use_scoop:
        raise ValueError(
            "use_scoop=True is not supported; SCOOP is unmaintained. Use executor='dask' or any "
            "concurrent.futures executor (e.g. mpi4py's MPIPoolExecutor) instead."
        )
    if isinstance(s.ncores, bool) or not isinstance(s.ncores, int) or s.ncores < 0:
        raise ValueError(f"ncores must be an int >= 0 (0: all CPUs), got {s.ncores!r}.")
    if s.ncores == 0:
        from pypet._compat import require

        s.ncores = require("psutil").cpu_count() or 1
    s.cpu_cap = _check_cap("cpu_cap", s.cpu_cap)
    s.swap_cap = _check_cap("swap_cap", s.swap_cap)
    if isinstance(s.memory_cap, tuple):
        if len(s.memory_cap) != 2 or s.memory_cap[1] < 0:
            raise ValueError(
                f"memory_cap as a tuple must be (cap, MB per process), got {s.memory_cap!r}."
            )
        s.memory_cap = (_check_cap("memory_cap", s.memory_cap[0]), float(s.memory_cap[1]))
    else:
        s.memory_cap = (_check_cap("memory_cap", s.memory_cap), 0.0)
    capped = s.cpu_cap < 100 or s.memory_cap[0] < 100 or s.swap_cap < 100
    if capped:
        from pypet._compat import require

        require("psutil")
    if s.queue_maxsize is not None and (not isinstance(s.queue_maxsize, int)
                                        or s.queue_maxsize < -1):
        raise ValueError(f"queue_maxsize must be -1, 0 or positive, got {s.queue_maxsize!r}.")
    if s.gc_interval is not None and (not isinstance(s.gc_interval, int) or s.gc_interval < 1):
        raise ValueError(f"gc_interval must be a positive int or None, got {s.gc_interval!r}.")
    if isinstance(s.max_retries, bool) or not isinstance(s.max_retries, int) \
            or s.max_retries < 0:
        raise ValueError(
            f"max_retries must be an int >= 0 (how often a run whose process died runs "
            f"again), got {s.max_retries!r}."
        )
    if s.niceness is not None and not isinstance(s.niceness, int):
        raise ValueError(f"niceness must be an int or None, got {s.niceness!r}.")
    if s.freeze_input and not (s.multiproc and s.use_pool) and s.executor is None:
        raise ValueError("freeze_input=True needs multiproc=True and use_pool=True (or an "
                         "executor).")
    if not s.multiproc and s.executor is None:
        return
    if s.immediate_postproc and (s.use_pool or s.executor is not None):
        raise ValueError("immediate_postproc=True works only with use_pool=False.")
    if capped and (s.use_pool or s.executor is not None):
        raise ValueError(
            "cpu_cap/memory_cap/swap_cap apply to use_pool=False (one process per run); "
            "remove them or set use_pool=False."
        )
