"""Runs the test suite once per Keras backend and fails if any backend fails.

``KERAS_BACKEND`` is fixed when Keras is first imported, so each backend needs
its own pytest process. Extra arguments go to pytest::

    python tests/run_all_backends.py                 # tensorflow, jax, torch
    python tests/run_all_backends.py -k dense -x     # a subset
    KZOO_BACKENDS=jax python tests/run_all_backends.py

The last line totals every backend as ``N passed, N failed``.

With pytest-xdist installed (the ``test`` extra), each backend's run is spread over
``KZOO_TEST_WORKERS`` processes (default: the CPU count, at most 4; each holds a backend,
so more would cost memory more than they save time), tests handed out one at a time and
rebalanced when a worker runs dry (``--dist worksteal``: the few long tests, such as the
notebooks, do not queue behind each other). ``KZOO_TEST_WORKERS=1`` runs in one process;
an ``-n`` in the arguments wins.
"""

import os
import re
import subprocess
import sys
import time

BACKENDS = ("tensorflow", "jax", "torch")
_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)")


def _parallel_args(argv):
    """``-n N --dist worksteal`` when pytest-xdist is available and not turned off."""
    if any(a.startswith(("-n", "--numprocesses")) for a in argv):
        return []
    try:
        import xdist  # noqa: F401
    except ImportError:
        return []
    workers = os.environ.get("KZOO_TEST_WORKERS") or str(min(os.cpu_count() or 1, 4))
    if not workers.isdigit() or int(workers) < 1:
        raise SystemExit(f"KZOO_TEST_WORKERS must be a positive integer; received {workers!r}")
    return [] if workers == "1" else ["-n", workers, "--dist", "worksteal"]


def main(argv):
    backends = os.environ.get("KZOO_BACKENDS", ",".join(BACKENDS)).split(",")
    totals, summary, worst = {}, [], 0
    for backend in backends:
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
               "MPLBACKEND": "Agg"}
        print(f"\n===== KERAS_BACKEND={backend} =====", flush=True)
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "pytest", *_parallel_args(argv), *argv],
                                env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        last = ""
        for line in proc.stdout:
            print(line, end="", flush=True)
            if _COUNT.search(line):
                last = line
        code = proc.wait()
        counts = {kind.rstrip("s") if kind.startswith("error") else kind: int(n)
                  for n, kind in _COUNT.findall(last)}
        for kind, n in counts.items():
            totals[kind] = totals.get(kind, 0) + n
        result = last.strip(" =\n") or "no summary"
        summary.append(f"{backend:<10} exit {code}  {result}  "
                       f"({time.perf_counter() - start:.0f}s)")
        worst = worst or code
    print("\n===== all backends =====")
    print("\n".join(summary))
    print(f"{totals.get('passed', 0)} passed, {totals.get('failed', 0) + totals.get('error', 0)}"
          f" failed, {totals.get('skipped', 0)} skipped")
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
