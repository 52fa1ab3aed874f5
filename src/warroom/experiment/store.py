"""An experiment's folder: manifest.json, Parquet shards written as tasks finish, a ledger of
their checksums, and the merged tables.

A shard is two files, `shards/pNNNNN-rSTART-STOP.{series,rows}.parquet`, each written aside and
renamed (rows last: they mark it done); then its sha256 is appended to shards/checksums.jsonl.
The ledger is append-only so that recording a shard costs the same however many there are (a
manifest listing them would be rewritten whole for every task); a torn last line unrecords one
shard, no more. Each shard also carries the experiment's key (scenario hash, seed, n, the
points' hash) and its own point and range in its Parquet metadata, so that a shard stands on
its own when the ledger or the manifest is lost.

On resume every shard is checked before it counts as done: a recorded one against its
checksums; an unrecorded one (a stop between rename and record, or a lost ledger) is adopted
only if its key is this experiment's and it reads cleanly, since a task is a pure function of
that key and so the shard holds exactly what recomputing it would. Anything else (damaged,
stray, overlapping) is moved to shards/rejected/, reported, and recomputed; merge checks the
checksums again as it reads. A damaged or lost manifest is rebuilt from the command and the
shards, unless the shards there belong to another experiment."""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .._version import __version__
from ..errors import UserError
from .params import differences

SHARD = re.compile(r"^p(\d+)-r(\d+)-(\d+)\.rows\.parquet$")
COMPARED = ("scenario_hash", "seed", "n", "points")
WHAT = {"scenario_hash": "the scenario", "seed": "the seed", "n": "the number of replications",
        "points": "the parameter grid"}
KEY = b"warroom.shard"  # the Parquet key-value metadata entry of a shard
LEDGER = "checksums.jsonl"
Job = tuple[int, int, int]  # point, first replication, stop
Report = Callable[[str], None]


class Damaged(Exception):
    """A shard that cannot count as done; the message says why."""


def _atomic_write(data: bytes, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _atomic_json(obj: dict, path: Path) -> None:
    _atomic_write((json.dumps(obj, indent=2) + "\n").encode(), path)


def _stem(job: Job) -> str:
    return f"p{job[0]:05d}-r{job[1]:09d}-{job[2]:09d}"


def key_of(manifest: dict) -> dict[str, Any]:
    """What makes shards interchangeable: the same key gives the same numbers."""
    points = json.dumps(manifest["points"], sort_keys=True).encode()
    return {"scenario_hash": manifest["scenario_hash"], "seed": manifest["seed"],
            "n": manifest["n"], "points": hashlib.sha256(points).hexdigest()}


def _changes(old: dict, new: dict) -> list[str]:
    return [f"{WHAT[k]} ({old.get(k)} -> {new.get(k)})" if k in ("seed", "n") else WHAT[k]
            for k in COMPARED if old.get(k) != new.get(k)]


def _unlike(theirs: dict, ours: dict) -> str:
    """How a shard's experiment key differs from this experiment's."""
    return ", ".join(f"{WHAT[k]} {theirs.get(k)}, not {ours[k]}" if k in ("seed", "n")
                     else f"{WHAT[k]} differs" for k in COMPARED if theirs.get(k) != ours[k])


def _load_manifest(path: Path) -> tuple[dict | None, str]:
    """The manifest, or None and what is wrong with it."""
    if not path.exists():
        return None, "missing"
    try:
        m = json.loads(path.read_bytes())
    except (OSError, ValueError) as e:
        return None, f"damaged ({type(e).__name__}: {e})"
    if not isinstance(m, dict) or any(k not in m for k in COMPARED):
        return None, "damaged (not an experiment's manifest)"
    return m, ""


def open_folder(out: Path, manifest: dict, resume: bool, report: Report) -> Folder:
    """Create the folder for a new experiment, or check that `--resume` continues this one
    and which of its shards are done. Refusals come before anything is written."""
    path = out / "manifest.json"
    if not resume:
        if path.exists() or path.is_symlink():
            raise UserError(f"{out}: already holds an experiment; pass --resume to continue "
                            "it, or choose another --out")
        if out.exists() and any(out.iterdir()):
            hint = " (its shards/ can be resumed: pass --resume)" if (
                out / "shards").is_dir() else ""
            raise UserError(f"{out}: already exists and is not empty{hint}; choose another "
                            "--out")
        (out / "shards").mkdir(parents=True, exist_ok=True)
        folder = Folder(out, {**manifest, "warroom_version": __version__, "status": "running"},
                        report)
        folder.mark("running")
        return folder
    old, problem = _load_manifest(path)
    if old is None and not (out / "shards").is_dir():
        raise UserError(f"{out}: nothing to resume (no manifest.json); run without --resume")
    if old is not None:
        _check_same(out, old, manifest)
    folder = Folder(out, old or {**manifest, "warroom_version": __version__,
                                 "rebuilt": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, report)
    folder.scan(rebuilding=problem)
    return folder


def _check_same(out: Path, old: dict, manifest: dict) -> None:
    detail = _changes(old, manifest)
    if not detail:
        return
    if old.get("scenario_hash") != manifest["scenario_hash"] and "scenario_data" in old:
        diffs = differences(old["scenario_data"], manifest["scenario_data"])
        if diffs:
            more = f"; and {len(diffs) - 5} more" if len(diffs) > 5 else ""
            detail[0] = f"the scenario ({'; '.join(diffs[:5])}{more})"
    raise UserError(f"{out}: cannot resume: {', '.join(detail)} changed since the "
                    "experiment started; rerun without --resume into a new --out")


class Folder:
    """An open experiment folder; `sums` holds the accepted shards and their checksums."""

    def __init__(self, out: Path, manifest: dict, report: Report):
        self.out, self.manifest, self.report = out, manifest, report
        self.shards = out / "shards"
        self.key = key_of(manifest)
        self.sums: dict[Job, dict[str, str]] = {}

    def done(self) -> dict[int, list[tuple[int, int]]]:
        """Finished (start, stop) replication ranges per point."""
        found: dict[int, list[tuple[int, int]]] = {}
        for k, a, b in self.sums:
            found.setdefault(k, []).append((a, b))
        return found

    def mark(self, status: str, done: int | None = None) -> None:
        """Record the experiment's status (running, interrupted, done) and how many
        replications are finished, for people reading it (the shards are the authority)."""
        self.manifest["status"] = status
        if done is not None:
            self.manifest["replications_done"] = done
        _atomic_json(self.manifest, self.out / "manifest.json")

    def keep(self, job: Job, rows: pa.Table, series: pa.Table, done: int) -> None:
        """Write a finished task's shard, then record it (see the module's docstring)."""
        meta = {KEY: json.dumps({**self.key, "point": job[0], "start": job[1],
                                 "stop": job[2]}).encode()}
        sums = {}
        for table, part in ((series, "series"), (rows, "rows")):
            sink = pa.BufferOutputStream()
            pq.write_table(table.replace_schema_metadata(meta), sink, compression="zstd",
                           write_page_checksum=True)
            data = sink.getvalue()
            sums[part] = hashlib.sha256(data).hexdigest()
            _atomic_write(data.to_pybytes(), self.shards / f"{_stem(job)}.{part}.parquet")
        with open(self.shards / LEDGER, "a") as f:  # one small write: a kill cannot tear it
            f.write(json.dumps({"shard": _stem(job), **sums}) + "\n")
        self.sums[job] = sums
        self.mark("running", done)

    def scan(self, rebuilding: str = "") -> None:
        """Accept the shards that are done (see the module's docstring), then move the rest
        to shards/rejected/ and say why. `rebuilding` says what is wrong with the manifest,
        which is then written anew from the command, unless the shards there belong to
        another experiment."""
        recorded = self._ledger()
        ranges: dict[int, list[Job]] = {}
        rejected: list[tuple[str, str]] = []
        foreign: list[dict] = []
        files = sorted(f for f in self.shards.glob("*.rows.parquet") if SHARD.match(f.name))
        # recorded shards first: where two overlap, the one this run wrote wins
        files.sort(key=lambda f: f.name[:-len(".rows.parquet")] not in recorded)
        for f in files:
            stem = f.name[:-len(".rows.parquet")]
            try:
                job = self._job(stem)
                sums = self._check(job, recorded.get(stem), foreign)
                _claim(ranges.setdefault(job[0], []), job)
            except Damaged as e:
                rejected.append((stem, str(e)))
                continue
            self.sums[job] = sums
        if rebuilding and foreign and not self.sums:
            theirs = _unlike(foreign[0], self.key)
            raise UserError(f"{self.out}: cannot resume: manifest.json is {rebuilding}, and the "
                            f"shards there are another experiment's ({theirs}); rerun without "
                            "--resume into a new --out")
        self.shards.mkdir(exist_ok=True)
        if rebuilding and (self.out / "manifest.json").exists():
            _aside(self.out / "manifest.json", self.shards / "rejected")
        for stem, why in rejected:
            self._reject(stem, why)
        lines = [json.dumps({"shard": _stem(j), **s}) + "\n" for j, s in sorted(self.sums.items())]
        _atomic_write("".join(lines).encode(), self.shards / LEDGER)
        if rebuilding:
            self.report(f"manifest.json: {rebuilding}; rebuilt from the command and the shards "
                        f"({len(self.sums)} shards kept)")
        self.mark("running")

    def merge(self) -> tuple[pa.Table, pa.Table] | None:
        """All shards, sorted by point and replication, as replications.parquet and
        series.parquet; None when a shard turned out damaged (it is rejected, to recompute)."""
        rows, series, bad = [], [], []
        for job, sums in sorted(self.sums.items()):
            try:
                r, s = (self._read(job, part, sums[part]) for part in ("rows", "series"))
            except Damaged as e:
                bad.append((job, str(e)))
                continue
            rows.append(r)
            series.append(s)
        if bad:
            for job, why in bad:
                del self.sums[job]
                self._reject(_stem(job), why)
            return None
        table = pa.concat_tables(rows).sort_by([("point", "ascending"),
                                                ("replication", "ascending")])
        ser = pa.concat_tables(series).sort_by([("point", "ascending"),
                                                ("replication", "ascending"),
                                                ("side", "ascending"), ("t", "ascending")])
        for t, name in ((table, "replications.parquet"), (ser, "series.parquet")):
            tmp = self.out / f".{name}.tmp-{os.getpid()}"
            pq.write_table(t, tmp, compression="zstd")
            os.replace(tmp, self.out / name)
        return table, ser

    def _ledger(self) -> dict[str, dict[str, str]]:
        """The recorded checksums by shard name (the last line for a name wins); lines that
        do not parse, such as one torn by a crash, leave their shard unrecorded."""
        out: dict[str, dict[str, str]] = {}
        try:
            text = (self.shards / LEDGER).read_text(errors="replace")
        except OSError:
            return out
        for line in text.splitlines():
            try:
                d = json.loads(line)
                out[d["shard"]] = {"rows": str(d["rows"]), "series": str(d["series"])}
            except (ValueError, TypeError, KeyError):
                continue
        return out

    def _job(self, stem: str) -> Job:
        m = SHARD.match(stem + ".rows.parquet")
        assert m is not None
        job = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if job[0] >= len(self.manifest["points"]):
            raise Damaged(f"stray (this experiment has no point {job[0]})")
        if not 0 <= job[1] < job[2] <= self.key["n"] or _stem(job) != stem:
            raise Damaged(f"stray (not a range of this experiment's {self.key['n']} "
                          "replications)")
        return job

    def _check(self, job: Job, sums: dict[str, str] | None, foreign: list[dict]) -> dict:
        """The shard's checksums once it proves to be this experiment's `job`, intact."""
        tables, found = [], {}
        for part in ("rows", "series"):
            data = self._bytes(job, part)
            found[part] = hashlib.sha256(data).hexdigest()
            if sums is not None and found[part] != sums[part]:
                raise Damaged("damaged (checksum mismatch)")
            try:
                pf = pq.ParquetFile(pa.BufferReader(data), page_checksum_verification=True)
                meta = json.loads((pf.schema_arrow.metadata or {}).get(KEY, b"null"))
                if sums is None:  # unrecorded: it must read cleanly, every page
                    tables.append(pf.read())
            except Exception as e:  # whatever the reader makes of bad bytes
                raise Damaged(f"damaged (unreadable: {str(e).splitlines()[0][:120]})") from None
            if not isinstance(meta, dict):
                raise Damaged("stray (no warroom metadata)")
            if any(meta.get(k) != v for k, v in self.key.items()):
                foreign.append(meta)
                raise Damaged(f"stray (another experiment's: {_unlike(meta, self.key)})")
            if [meta.get(k) for k in ("point", "start", "stop")] != list(job):
                raise Damaged(f"stray (it holds replications {meta.get('start')}-"
                              f"{meta.get('stop')} of point {meta.get('point')})")
        for t in tables:
            reps = t.column("replication").to_numpy()
            if not np.array_equal(np.unique(reps), np.arange(job[1], job[2])) or np.any(
                    t.column("point").to_numpy() != job[0]):
                raise Damaged("damaged (its rows are not the replications it names)")
        return found

    def _bytes(self, job: Job, part: str) -> bytes:
        try:
            return (self.shards / f"{_stem(job)}.{part}.parquet").read_bytes()
        except OSError as e:
            raise Damaged(f"damaged ({part} file unreadable: {e.strerror or e})") from None

    def _read(self, job: Job, part: str, sha: str) -> pa.Table:
        data = self._bytes(job, part)
        if hashlib.sha256(data).hexdigest() != sha:
            raise Damaged("damaged (checksum mismatch)")
        # the key is the shard's, not the merged table's
        return pq.read_table(pa.BufferReader(data)).replace_schema_metadata(None)

    def _reject(self, stem: str, why: str) -> None:
        for part in ("rows", "series"):
            src = self.shards / f"{stem}.{part}.parquet"
            if src.exists() or src.is_symlink():
                _aside(src, self.shards / "rejected")
        self.report(f"shards/{stem}: {why}; moved to shards/rejected/ and recomputed")


def _aside(src: Path, into: Path) -> None:
    """Move a file into `into`, kept for a look (a number added where the name is taken)."""
    into.mkdir(exist_ok=True)
    dst, k = into / src.name, 0
    while dst.exists() or dst.is_symlink():
        k += 1
        dst = into / f"{src.name}.{k}"
    os.replace(src, dst)


def _claim(taken: list[Job], job: Job) -> None:
    """Add `job` to its point's accepted ranges (sorted, disjoint), unless it overlaps one."""
    i = bisect.bisect_left(taken, job)  # only the neighbours can overlap: the rest are disjoint
    for other in taken[max(0, i - 1):i + 1]:
        if job[1] < other[2] and other[1] < job[2]:
            raise Damaged(f"overlapping (replications {max(job[1], other[1])}-"
                          f"{min(job[2], other[2])} are in shards/{_stem(other)} too)")
    taken.insert(i, job)
