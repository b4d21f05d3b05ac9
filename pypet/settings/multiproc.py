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


def validate_multiproc(v: dict[str, Any]) -> dict[str, Any]:
    """Check the multiprocessing keywords in ``v`` (flags already checked); return the
    normalised values (``wrap_mode`` upper case, caps as floats, ``ncores=0`` resolved,
    ``use_pool`` chosen when not given: a pool, unless caps or immediate post-processing
    need one process per run; decision 0014)."""
    out: dict[str, Any] = {}
    wrap_mode = C.MULTIPROC_MODE_NONE if v["wrap_mode"] is None else v["wrap_mode"]
    if not isinstance(wrap_mode, str) or wrap_mode.upper() not in C.WRAP_MODES:
        raise ValueError(
            f"wrap_mode must be one of {', '.join(_SUPPORTED_MODES)} (or None), got "
            f"{v['wrap_mode']!r}."
        )
    out["wrap_mode"] = wrap_mode = wrap_mode.upper()
    if wrap_mode in _NET_MODES:
        raise ValueError(
            f"wrap_mode={wrap_mode!r} (zmq servers) is replaced by executors: pass "
            "executor='dask' or a dask.distributed Client to run on many machines; the "
            "driver process writes the file."
        )
    if v["port"] is not None:
        raise ValueError("port= belonged to NETLOCK/NETQUEUE, which executors replace.")
    if v["use_scoop"]:
        raise ValueError(
            "use_scoop=True is not supported; SCOOP is unmaintained. Use executor='dask' or any "
            "concurrent.futures executor (e.g. mpi4py's MPIPoolExecutor) instead."
        )
    ncores = v["ncores"]
    if isinstance(ncores, bool) or not isinstance(ncores, int) or ncores < 0:
        raise ValueError(f"ncores must be an int >= 0 (0: all CPUs), got {ncores!r}.")
    if ncores == 0:
        from pypet._compat import require

        ncores = require("psutil").cpu_count() or 1
    out["ncores"] = ncores
    out["cpu_cap"] = cpu_cap = _check_cap("cpu_cap", v["cpu_cap"])
    out["swap_cap"] = swap_cap = _check_cap("swap_cap", v["swap_cap"])
    memory_cap = v["memory_cap"]
    if isinstance(memory_cap, tuple):
        if len(memory_cap) != 2 or memory_cap[1] < 0:
            raise ValueError(
                f"memory_cap as a tuple must be (cap, MB per process), got {memory_cap!r}."
            )
        memory_cap = (_check_cap("memory_cap", memory_cap[0]), float(memory_cap[1]))
    else:
        memory_cap = (_check_cap("memory_cap", memory_cap), 0.0)
    out["memory_cap"] = memory_cap
    capped = cpu_cap < 100 or memory_cap[0] < 100 or swap_cap < 100
    if capped:
        from pypet._compat import require

        require("psutil")
    maxsize = v["queue_maxsize"]
    if maxsize is not None and (isinstance(maxsize, bool) or not isinstance(maxsize, int)
                                or maxsize < -1):
        raise ValueError(f"queue_maxsize must be -1, 0 or positive, got {maxsize!r}.")
    gc_interval = v["gc_interval"]
    if gc_interval is not None and (isinstance(gc_interval, bool)
                                    or not isinstance(gc_interval, int) or gc_interval < 1):
        raise ValueError(f"gc_interval must be a positive int or None, got {gc_interval!r}.")
    max_retries = v["max_retries"]
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(
            f"max_retries must be an int >= 0 (how often a run whose process died runs "
            f"again), got {max_retries!r}."
        )
    niceness = v["niceness"]
    if niceness is not None and (isinstance(niceness, bool) or not isinstance(niceness, int)):
        raise ValueError(f"niceness must be an int or None, got {niceness!r}.")
    timeout = v["timeout"]
    if timeout is not None and (isinstance(timeout, bool)
                                or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ValueError(f"timeout must be a positive number of seconds or None, got "
                         f"{timeout!r}.")
    multiproc, use_pool, executor = v["multiproc"], v["use_pool"], v["executor"]
    if use_pool is None:  # not given: a pool unless the settings need a process per run
        use_pool = multiproc and executor is None and not (capped or v["immediate_postproc"])
        out["pool_chosen"] = use_pool
    out["use_pool"] = use_pool
    if v["freeze_input"] and not (multiproc and use_pool) and executor is None:
        raise ValueError("freeze_input=True needs multiproc=True and use_pool=True (or an "
                         "executor).")
    if v["immediate_postproc"] and v["use_pool"] is True:  # asked for both, as pypet refuses
        raise ValueError("immediate_postproc=True works only with use_pool=False.")
    if not multiproc and executor is None:
        return out
    if v["immediate_postproc"] and (use_pool or executor is not None):
        raise ValueError("immediate_postproc=True works only with use_pool=False.")
    if capped and (use_pool or executor is not None):
        raise ValueError(
            "cpu_cap/memory_cap/swap_cap apply to use_pool=False (one process per run); "
            "remove them or set use_pool=False."
        )
    return out
