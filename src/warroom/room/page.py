"""The page: one HTML document with its style, the vendored Parquet reader and the room's
script inline. Served, it fetches the folder's files; exported, it carries them (base64), so
the one file works offline."""

from __future__ import annotations

import base64
import json
from importlib.resources import files as resources

from .folder import Folder

HERE = resources("warroom.room")


def _asset(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def _json(obj) -> str:
    # inside a <script>: no "</" may close it early
    return json.dumps(obj).replace("</", "<\\/")


def render(folder: Folder, embed: bool) -> str:
    """The page for `folder`; with `embed`, its data files inside."""
    config = {"title": folder.title, "kind": folder.kind, "files": list(folder.files),
              "embedded": embed, "replays": list(folder.replays)}
    data = ""
    if embed:
        data = "\n".join(
            f'<script type="application/octet-stream" data-file="{name}">'
            f"{base64.b64encode((folder.path / name).read_bytes()).decode()}</script>"
            for name in folder.files)
    page = _asset("assets/page.html")
    for marker, text in (("style", _asset("assets/room.css")),
                         ("config", _json(config)),
                         ("vendor", _asset("vendor/hyparquet.min.js")),
                         ("script", _asset("assets/room.js")),
                         ("data", data)):
        page = page.replace(f"/*warroom:{marker}*/", text, 1)
    return page.replace("<!--warroom:title-->", _escape(folder.title), 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
