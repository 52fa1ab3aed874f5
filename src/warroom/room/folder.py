"""What the war room shows: a run's or an experiment's folder, known by its manifest, and the
data files in it that the page reads as they are (no second copy)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

DATA = (".parquet", ".json")  # what the page reads
KINDS = ("run", "mc", "sweep", "ablate")
WHAT = "a run's or an experiment's folder (warroom run, mc, sweep or ablate --out)"


@dataclass(frozen=True)
class Folder:
    path: Path
    kind: str  # one of KINDS
    title: str
    files: tuple[str, ...]  # its data files, by name (regular files at its top, no links)
    replays: tuple[str, ...] = ()  # an experiment's kept run folders, in replays/ (no links)

    def has(self, name: str) -> bool:
        return name in self.files

    def replay(self, name: str) -> Folder:
        """The run folder of a kept replication, by name."""
        if name not in self.replays:
            raise UserError(f"{self.path}: no replay {name!r}")
        return open_folder(self.path / "replays" / name)


def open_folder(path: Path) -> Folder:
    """The folder at `path`, or a UserError that says why it is none the room can show."""
    if not path.exists():
        raise UserError(f"{path}: no such folder; expected {WHAT}")
    if not path.is_dir():
        raise UserError(f"{path}: a file, not a folder; expected {WHAT}")
    man = path / "manifest.json"
    if not man.is_file():
        raise UserError(f"{path}: not {WHAT}: it has no manifest.json")
    try:
        manifest = json.loads(man.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise UserError(f"{man}: damaged, not a manifest warroom wrote ({e})") from None
    if not isinstance(manifest, dict):
        raise UserError(f"{man}: damaged, not a manifest warroom wrote (not an object)")
    kind = manifest.get("kind", "run" if "solver" in manifest else None)
    if kind not in KINDS:
        raise UserError(f"{man}: not a manifest of {WHAT}")
    files = tuple(sorted(p.name for p in path.iterdir()
                         if p.suffix in DATA and p.is_file() and not p.is_symlink()))
    kept = path / "replays"
    replays: tuple[str, ...] = ()
    if kind != "run" and kept.is_dir() and not kept.is_symlink():
        replays = tuple(sorted(
            (p.name for p in kept.iterdir()
             if p.is_dir() and not p.is_symlink() and (p / "manifest.json").is_file()),
            key=_replay_order))
    return Folder(path, str(kind), str(manifest.get("scenario", path.name)), files, replays)


def _replay_order(name: str) -> tuple:
    """p{point}-r{replication} by number, anything else after."""
    try:
        point, rep = name[1:].split("-r")
        return (0, int(point), int(rep))
    except ValueError:
        return (1, 0, 0, name)
