"""Same-run ratios of in-process timings that survive host noise: alternating batches, median per side."""

from __future__ import annotations

import time
from collections.abc import Callable


def interleaved_cpu(fns: dict[str, Callable[[], object]], *, rounds: int, number: int) -> dict[str, list[float]]:
    """CPU seconds per call of each function, measured in alternating batches of ``number`` calls.

    On these shared virtual machines a burst of host noise can inflate CPU time for a second or more; measured one
    after the other, a burst that lands on one library's window alone moves a same-run ratio by 40%. Alternating
    short batches (and their order every round) spreads any burst over every side alike; the median per side is
    then taken over ``rounds`` batches.
    """
    samples: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for i in range(rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            fn = fns[name]
            start = time.process_time()
            for _ in range(number):
                fn()
            samples[name].append((time.process_time() - start) / number)
    return samples
