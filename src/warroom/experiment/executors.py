"""Where an experiment's tasks run: here, in local processes, or on a Dask cluster."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, suppress

from ..errors import UserError


@contextmanager
def executor_for(workers: int, cluster: str | None) -> Iterator[Executor | None]:
    """None (run here), local processes, or a Dask client's executor; `cluster` is a scheduler
    address or 'local' for a LocalCluster of `workers` processes."""
    if cluster:
        with _dask(workers, cluster) as ex:
            yield ex
        return
    if workers <= 1:
        yield None
        return
    import multiprocessing as mp

    from .tasks import worker_setup

    # spawn, not fork: numba's threads do not survive a fork
    pool = _Pool(workers, mp_context=mp.get_context("spawn"), initializer=worker_setup)
    try:
        yield pool
    except BaseException:
        pool.stop_now()
        raise
    pool.shutdown(wait=True, cancel_futures=True)


class _Pool(ProcessPoolExecutor):
    """A process pool that can be ended without waiting for the tasks it is running."""

    def stop_now(self) -> None:
        """After Ctrl-C or a failure the running tasks' results are not wanted (the finished
        shards are saved, a resume redoes the rest), and a task of a few hundred
        replications, or a worker still compiling, would keep the user waiting for minutes.
        A worker ended mid-task leaves nothing half written: its replays are staged and moved
        into place whole. The queued futures are left for the pool to fail, not cancelled:
        CPython 3.11's pool thread raises on a cancelled one as the pool breaks."""
        # CPython's own attributes (3.14 has terminate_workers() for this)
        procs = list((getattr(self, "_processes", None) or {}).values())
        results = getattr(self, "_result_queue", None)
        self.shutdown(wait=False)
        for proc in procs:
            proc.terminate()
        # join() may return before a worker is gone while the pool's thread reaps it too:
        # wait for each to be gone (a worker killed at once dies within milliseconds)
        deadline = time.monotonic() + 10
        while any(p.is_alive() for p in procs) and time.monotonic() < deadline:
            time.sleep(0.01)
        # a worker ended while sending its result leaves half a message in the pipe, which
        # the pool's thread would wait on for ever; with this last writer closed it reads an
        # end of file instead, and marks the pool broken
        writer = getattr(results, "_writer", None)
        if writer is not None:
            with suppress(OSError):
                writer.close()


@contextmanager
def _dask(workers: int, cluster: str) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UserError("--cluster needs Dask: pip install 'warroom[dask]'") from None
    local = None
    try:
        if cluster == "local":
            local = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
            client = Client(local)
        else:
            client = Client(cluster, timeout="5s")
    except (OSError, TimeoutError) as e:
        if local is not None:
            local.close()
        raise UserError(f"--cluster {cluster}: cannot reach the Dask scheduler ({e})") from None
    # a lost scheduler or worker ends the experiment as interrupted, with a resume hint;
    # distributed would log each failed reconnection with a traceback besides (and tornado
    # each of its callbacks that the closed connection broke)
    with _quiet("distributed.client", "tornado.application"):
        try:
            from .tasks import worker_setup

            client.run(worker_setup, False)
            yield client.get_executor(pure=False)
        finally:
            with suppress(OSError, TimeoutError):  # the scheduler is gone: nothing to close
                client.close(timeout=10)
            if local is not None:
                local.close()


@contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Drop the tracebacks the loggers would print (their messages stay)."""
    import logging

    def strip(record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.exc_info, record.exc_text = None, None
            return bool(record.getMessage().strip())
        return True

    logs = [logging.getLogger(name) for name in loggers]
    for log in logs:
        log.addFilter(strip)
    try:
        yield
    finally:
        for log in logs:
            log.removeFilter(strip)
