"""The forked child: runs a case's commands in-process, one after another, and streams one
JSON line per command (and one as each starts) back to the scheduler."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from .cases import Case

TAIL = 6000  # characters of stderr (and of a traceback) kept


def _warroom_frame(frames: list[tuple[str, int, str]]) -> tuple[str, int, str] | None:
    """The innermost frame in warroom's own code (frames innermost last)."""
    for f, line, name in reversed(frames):
        if "/warroom/" in f:
            return "warroom/" + f.rsplit("/warroom/", 1)[1], line, name
    return None


def _run_command(args: list[str]) -> dict[str, Any]:
    import traceback

    import click

    from warroom.cli import app

    t0 = time.perf_counter()
    res: dict[str, Any] = {"args": args}
    try:
        rc = app(args, standalone_mode=False, prog_name="warroom")
        rc = 0 if rc is None else rc
    except SystemExit as e:
        rc = 0 if e.code is None else e.code if isinstance(e.code, int) else 1
        if not isinstance(e.code, int | None):
            print(e.code, file=sys.stderr)
    except click.exceptions.ClickException as e:
        rc = e.exit_code
        res["click"] = f"{type(e).__name__}: {e.format_message()}"
        print(f"Error: {e.format_message()}", file=sys.stderr)
    except BaseException as e:  # noqa: BLE001 - this is what the fuzzer looks for
        rc = None
        frames = [(f.filename, f.lineno or 0, f.name) for f in traceback.extract_tb(
            e.__traceback__)]
        wf = _warroom_frame(frames)
        text = "".join(traceback.format_exception(e))
        mod = type(e).__module__
        name = type(e).__qualname__ if mod == "builtins" else f"{mod}.{type(e).__qualname__}"
        res["exc"] = {"type": name, "msg": str(e)[:2000],
                      "frame": list(wf) if wf else None,
                      "inner": list(frames[-1]) if frames else None,
                      "tb": text[-TAIL:]}
    sys.stdout.flush()
    sys.stderr.flush()
    res["rc"] = rc
    res["dt"] = time.perf_counter() - t0
    return res


def run_child(case: Case, cdir: Path, wfd: int, as_limit: int, fsize: int) -> None:
    import faulthandler
    import resource

    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if as_limit:
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))
        os.chdir(cdir)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        ok = True
        faulthandler.enable(file=sys.stderr, all_threads=True)
        faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)
        for k, args in enumerate(case.commands):
            if case.chained and not ok:
                break
            sys.stdout.flush()
            sys.stderr.flush()
            out = os.open(f"cmd{k}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            err = os.open(f"cmd{k}.err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.close(out)
            os.close(err)
            os.write(wfd, (json.dumps({"start": k}) + "\n").encode())
            res = _run_command(args)
            res["k"] = k
            res["stderr"] = tail(Path(f"cmd{k}.err"))
            res["stdout"] = tail(Path(f"cmd{k}.out"), 1500)
            ok = res["rc"] == 0
            os.write(wfd, (json.dumps(res) + "\n").encode())
    except BaseException as e:  # noqa: BLE001
        with contextlib.suppress(BaseException):
            os.write(wfd, (json.dumps({"harness": repr(e)}) + "\n").encode())
    os._exit(0)  # not the fork server's exit handlers, nor its stack above the fork


def tail(p: Path, n: int = TAIL) -> str:
    """The last n bytes of a file, after its first 800 where it is longer: the head of an
    error message and the end of a traceback."""
    try:
        with p.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - n))
            s = fh.read().decode("utf-8", "replace")
            if size > n:
                with p.open("rb") as head:
                    s = head.read(800).decode("utf-8", "replace") + "\n[...]\n" + s
            return s
    except OSError:
        return ""
