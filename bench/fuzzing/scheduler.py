"""The fork server's scheduler: one forked child per case, `jobs` at a time, each watched for
its wall time and its resident memory."""

from __future__ import annotations

import contextlib
import json
import math
import os
import select
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cases import Case
from .child import run_child, tail

GIB = 1024**3
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Running:
    case: Case
    pid: int
    rfd: int
    cdir: Path
    started: float
    buf: bytes = b""
    current: int | None = None  # the command under way
    cmd_started: float = 0.0
    results: list[dict[str, Any]] = field(default_factory=list)
    killed: str | None = None
    kill_at: float | None = None
    peak_rss: int = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Take the child's JSON lines; a last one without its line end only when final."""
        lines = (self.buf + chunk).split(b"\n")
        self.buf = b"" if final else lines.pop()
        for line in lines:
            if not line.strip():
                continue
            msg = json.loads(line)
            if "start" in msg:
                self.current, self.cmd_started = msg["start"], time.monotonic()
            elif "harness" in msg:
                # k: the command it broke in, so that saving and shrinking the case work
                k = self.current if isinstance(self.current, int) else len(self.results)
                self.results.append({"args": ["harness"], "k": k, "rc": None, "exc": {
                    "type": "HarnessError", "msg": msg["harness"], "frame": None,
                    "inner": None, "tb": msg["harness"]}})
            else:
                self.results.append(msg)
                self.current = None

    def watch(self, now: float, timeout: float, mem_bytes: int) -> None:
        """Kill the child over its memory or time: SIGUSR1 first, so that faulthandler prints
        where it was, then SIGKILL a moment later."""
        rss = _rss(self.pid)
        self.peak_rss = max(self.peak_rss, rss)
        if self.kill_at is not None:
            if now >= self.kill_at:
                _killpg(self.pid, signal.SIGKILL)
                self.kill_at = math.inf
            return
        why = None
        if rss > mem_bytes:
            why = "memory"
        elif (self.current is not None and now - self.cmd_started > timeout) or \
                now - self.started > timeout * (len(self.case.commands) + 1) + 10:
            why = "timeout"
        if why:
            self.killed = why
            _killpg(self.pid, signal.SIGUSR1)
            self.kill_at = now + 0.3

    def reap(self, status: int, maxrss: int, mem_bytes: int) -> int:
        """Read what is left of the child's lines, add a result for a command it did not
        finish (killed, crashed or exited mid-command); return its peak RSS."""
        _killpg(self.pid, signal.SIGKILL)  # leftovers of its group
        try:
            while chunk := os.read(self.rfd, 1 << 16):
                self.feed(chunk)
        except OSError:
            pass
        os.close(self.rfd)
        self.feed(b"", final=True)
        peak = max(self.peak_rss, maxrss)
        if self.current is not None or os.WIFSIGNALED(status):
            k = self.current if self.current is not None else len(self.results)
            args = self.case.commands[k] if k < len(self.case.commands) else ["?"]
            res: dict[str, Any] = {"args": args, "k": k, "rc": None,
                                   "stderr": tail(self.cdir / f"cmd{k}.err")}
            if self.killed:
                res["killed"] = self.killed
            elif os.WIFSIGNALED(status):
                res["signal"] = signal.Signals(os.WTERMSIG(status)).name
            else:
                res["signal"] = f"exit {os.WEXITSTATUS(status)} mid-command"
            self.results.append(res)
            if self.killed == "timeout" and peak > mem_bytes:
                res["killed"] = "memory"
        elif peak > mem_bytes and self.results:
            self.results[-1] = {**self.results[-1], "killed": "memory"}
        return peak


Done = tuple[Case, list[dict[str, Any]], Path, int]


def run_cases(cases: Iterable[Case], *, jobs: int, timeout: float, mem_bytes: int,
              work: Path) -> Iterator[Done]:
    """Run each case in a forked child, `jobs` at a time; yield (case, per-command results,
    case folder, peak RSS) as each finishes. Cases are taken from the iterable lazily."""
    pending = iter(cases)
    exhausted = False
    running: dict[int, Running] = {}
    # RLIMIT_AS only as a backstop, well above the fork's own address space: numba/LLVM and
    # pyarrow reserve gigabytes of virtual memory that they never touch
    as_limit = _vm_size() + int(1.5 * mem_bytes) + 2 * GIB
    fsize = 2 * GIB
    while not exhausted or running:
        while not exhausted and len(running) < jobs:
            case = next(pending, None)
            if case is None:
                exhausted = True
                break
            r = _start(case, work, running, as_limit, fsize)
            running[r.pid] = r
        fds = {r.rfd: r for r in running.values()}
        if not fds:
            continue
        ready, _, _ = select.select(list(fds), [], [], 0.05)
        for fd in ready:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            fds[fd].feed(chunk)
        now = time.monotonic()
        for r in running.values():
            r.watch(now, timeout, mem_bytes)
        while running:
            try:
                pid, status, ru = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            r = running.pop(pid, None)
            if r is None:
                continue
            peak = r.reap(status, ru.ru_maxrss * 1024, mem_bytes)
            yield r.case, r.results, r.cdir, peak


def _start(case: Case, work: Path, running: dict[int, Running], as_limit: int,
           fsize: int) -> Running:
    cdir = work / f"c{case.kind[0]}{case.index}-{os.getpid()}-{time.monotonic_ns()}"
    cdir.mkdir(parents=True)
    for name, data in case.files.items():
        (cdir / name).parent.mkdir(parents=True, exist_ok=True)
        (cdir / name).write_bytes(data)
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rfd)
        for r in running.values():
            os.close(r.rfd)
        run_child(case, cdir, wfd, as_limit, fsize)
    os.close(wfd)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)
    return Running(case, pid, rfd, cdir, time.monotonic())


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * PAGE
    except OSError:
        return 4 * GIB
