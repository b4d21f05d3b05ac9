"""CPU, memory and swap caps: whether another run process may start now (psutil)."""

from __future__ import annotations

import logging
import time

__all__ = ["CapMonitor"]

_log = logging.getLogger("pypet.execution.caps")


class CapMonitor:
    """Answers "may one more process start?" from current CPU/memory/swap usage.

    At least one process always runs. While a cap stays crossed one warning is logged.
    """

    def __init__(self, cpu_cap: float, memory_cap: tuple[float, float], swap_cap: float) -> None:
        self.cpu_cap, (self.memory_cap, self.mb_per_process), self.swap_cap = \
            cpu_cap, memory_cap, swap_cap
        self.active = cpu_cap < 100 or self.memory_cap < 100 or swap_cap < 100
        self._cpu = 0.0
        self._cpu_time = 0.0
        self._warned = False
        if self.active:
            from pypet._compat import require

            self._psutil = require("psutil")
            self._psutil.cpu_percent(interval=None)  # starts the measurement window

    def usage(self) -> dict[str, float]:
        """Current CPU % (sampled at most every 0.5 s), memory % (+ estimate), swap %."""
        now = time.monotonic()
        if now - self._cpu_time >= 0.5:
            self._cpu, self._cpu_time = self._psutil.cpu_percent(interval=None), now
        memory = self._psutil.virtual_memory()
        extra = 100.0 * self.mb_per_process * 1024 * 1024 / memory.total
        return {"cpu": self._cpu, "memory": memory.percent + extra,
                "swap": self._psutil.swap_memory().percent}

    def allows(self, running: int) -> bool:
        """Whether a new process may start while ``running`` are alive."""
        if not self.active or running == 0:
            return True
        usage = self.usage()
        crossed = [f"{name} {usage[name]:.1f}% > {cap:.1f}%" for name, cap in
                   (("cpu", self.cpu_cap), ("memory", self.memory_cap), ("swap", self.swap_cap))
                   if usage[name] > cap]
        if crossed:
            if not self._warned:
                _log.warning("Not starting more runs while over the cap: %s (%d running).",
                             ", ".join(crossed), running)
                self._warned = True
            return False
        self._warned = False
        return True
