"""Sorting one command's outcome into ok, a clean refusal or a bug, and naming the bug's
class (exception type and innermost warroom frame, or the kind of failure)."""

from __future__ import annotations

import re
from typing import Any

from .cases import Case
from .child import TAIL

# where a refusal locates the mistake
LOC = re.compile(r"[\w.+-]+\.(?:ya?ml|csv|npy|png|txt):\d+|\bline \d+")
# refusals of a file as a whole, which have no line to name
WHOLE_FILE = re.compile(r"no such file|is a folder|not a text|empty file|cannot be read|"
                        r"file_bytes|WARROOM_LIMIT")


def norm(msg: str, main: str) -> str:
    """The message with its file, quoted names and numbers blanked, so alike ones count once."""
    m = msg.replace(main, "FILE")
    m = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", m)
    m = re.sub(r"\d[\d,._e+-]*", "N", m)
    return m.strip()[:90]


def classify(res: dict[str, Any], case: Case) -> tuple[str, str | None, dict[str, Any]]:
    """('ok' | 'refused' | 'bug', bug key, details) for one command's result."""
    cmd = res["args"][0]
    err = res.get("stderr", "")
    if "killed" in res:
        why = res["killed"]
        where = _dump_frame(err)
        key = f"{why} in {cmd} ({case.scale})" + (f" at {where}" if where else "")
        return "bug", key, {"kind": why, "location": where or "", "detail": err[-TAIL:]}
    if "signal" in res:
        where = _dump_frame(err)
        key = f"crash by {res['signal']} in {cmd}" + (f" at {where}" if where else "")
        return "bug", key, {"kind": "crash", "location": where or "", "detail": err[-TAIL:]}
    if "exc" in res:
        e = res["exc"]
        fr = e["frame"]
        loc = f"{fr[0]}:{fr[1]} in {fr[2]}" if fr else (
            f"{e['inner'][0]}:{e['inner'][1]} in {e['inner'][2]}" if e["inner"] else "?")
        kind = "memory" if e["type"] == "MemoryError" else "exception"
        return "bug", f"{e['type']} at {loc}", {"kind": kind, "location": loc,
                                                 "detail": e["tb"], "message": e["msg"]}
    rc = res["rc"]
    if "click" in res:
        return "bug", f"click {res['click'].split(':')[0]} in {cmd}", {
            "kind": "click", "location": "", "detail": res["click"]}
    if "Traceback (most recent call last)" in err:
        return "bug", f"traceback printed by {cmd} (exit {rc})", {
            "kind": "traceback", "location": _tb_frame(err) or "", "detail": err[-TAIL:]}
    if rc == 0:
        return "ok", None, {}
    if rc != 2:
        return "bug", f"exit code {rc} from {cmd}", {"kind": "exit", "location": "",
                                                     "detail": err[-TAIL:]}
    msg = err[err.find("error:"):] if "error:" in err else ""
    if not msg:
        return "bug", f"exit 2 without an 'error:' message from {cmd}", {
            "kind": "message", "location": "", "detail": err[-TAIL:]}
    body = msg[len("error:"):].strip()
    if body.startswith("-") or WHOLE_FILE.search(body.splitlines()[0] if body else ""):
        return "refused", None, {}
    lines = body.splitlines()
    problems = [ln for ln in lines[1:] if ln.startswith("  ")]
    missing = [ln for ln in problems if not LOC.search(ln)] if problems else \
        ([] if LOC.search(lines[0] if lines else "") else [lines[0] if lines else ""])
    if missing and not any(name in body for name in case.files):
        # about the options, or their combination with the input as a whole: not a bug
        return "refused", None, {"note": f"refusal naming no input file: "
                                         f"{norm(missing[0].strip(), case.main)}"}
    if missing:
        return "bug", f"no line number: {norm(missing[0].strip(), case.main)}", {
            "kind": "location", "location": "", "detail": msg[-TAIL:]}
    return "refused", None, {}


_DUMP = re.compile(r'File "([^"]*/warroom/[^"]*)", line (\d+) in (\S+)')


def _dump_frame(err: str) -> str | None:
    """The innermost warroom frame of a faulthandler dump (most recent call first), without
    its line: where a hang is caught varies from run to run, its bug class should not."""
    i = err.rfind("Current thread")
    m = _DUMP.search(err, max(i, 0)) or _DUMP.search(err)
    if not m:
        return None
    return f"warroom/{m[1].split('/warroom/', 1)[1]} in {m[3]}"


def _tb_frame(err: str) -> str | None:
    """The innermost warroom frame of a traceback printed on stderr."""
    ms = re.findall(r'File "([^"]*/warroom/[^"]*)", line (\d+), in (\S+)', err)
    if not ms:
        return None
    f, line, name = ms[-1]
    return f"warroom/{f.split('/warroom/', 1)[1]}:{line} in {name}"
