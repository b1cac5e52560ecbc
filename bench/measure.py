"""Timing a command the way every benchmark here does: a fresh process, wall time from spawn
to exit, and the child's own peak RSS (os.wait4). Imported by the per-area run.py scripts."""
import os
import subprocess
import tempfile
import time


def measure(argv, cwd=None, keep_stdout=False):
    """Runs argv; returns (seconds, peak RSS in MiB), plus its stdout text when keep_stdout.
    Raises RuntimeError with the end of stderr when it fails. Output goes to temporary files,
    so a chatty child never blocks on a full pipe."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out if keep_stdout else subprocess.DEVNULL,
                                stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv[:4])} failed:\n{err.read().decode()[-2000:]}")
        result = (elapsed, usage.ru_maxrss / 1024.0)
        if keep_stdout:
            out.seek(0)
            result += (out.read().decode(),)
        return result
