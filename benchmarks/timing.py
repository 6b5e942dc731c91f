"""Timing shared by the benchmarks: each figure runs interleaved with its floor (one run of each in
turn), so machine noise hits product and floor alike; medians, with min and max, in milliseconds."""
from __future__ import annotations

import statistics
import time

CLOCK = [time.perf_counter]  # or time.process_time (bench_sessions_list.py --clock cpu)


class Timings:
    def __init__(self):
        self.ms: list[float] = []
        self.rows: list = []  # what each run returned (rows read, blocks shown), when it says

    def run(self, fn) -> None:
        """Times ``fn``; one that times itself (set-up off the clock) returns its milliseconds as a float."""
        t = CLOCK[0]()
        got = fn()
        if isinstance(got, float):
            self.ms.append(got)
        else:
            self.ms.append((CLOCK[0]() - t) * 1000)
            self.rows.append(got)

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    def text(self, width: int = 7, decimals: int = 2) -> str:
        w, d = width, decimals
        return f"median {self.median:{w}.{d}f} ms (min {min(self.ms):{w - 1}.{d}f}, max {max(self.ms):{w}.{d}f})"


def interleaved(fns: dict, runs: int, warmup: int = 1) -> dict[str, Timings]:
    """Each function ``warmup`` times unmeasured, then once per round, in turn, ``runs`` rounds."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    out = {name: Timings() for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            out[name].run(fn)
    return out
