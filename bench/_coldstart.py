"""Cold-start measurements: fresh interpreter processes, CPU time of the child, median of N.

CPU time (user + system from ``wait4``'s rusage) rather than wall time, because these 2-core machines are noisy
and the Workers limit being modelled is a CPU limit. Samples of the subject and its baseline are interleaved so
that drift in machine load hits both alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Sequence


def child_cpu_ms(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    with subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        assert proc.stderr is not None
        err = proc.stderr.read().decode()  # drained before waiting so a chatty child cannot block on the pipe
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv!r} exited {proc.returncode}: {err}")
    return (usage.ru_utime + usage.ru_stime) * 1000.0


def python_code_cpu_ms(codes: dict[str, str], runs: int, python: str = sys.executable) -> dict[str, list[float]]:
    """Run each snippet in a fresh ``python -c`` ``runs`` times (interleaved); CPU ms samples per snippet.

    Bytecode caches are warmed first (one untimed run each), as on a deployed server.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for code in codes.values():
        child_cpu_ms([python, "-c", code], env)
    samples: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(runs):
        for name, code in codes.items():
            samples[name].append(child_cpu_ms([python, "-c", code], env))
    return samples


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))

