"""`warroom serve`: the page and the folder's data files on loopback (Starlette + uvicorn),
and an experiment's kept replays (`replays/NAME/`, their pages and data files). Only the data
files a folder lists are served, by name: any other path, an escape with `..`, an absolute
path, a link or an encoded variant of these is a 404."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..errors import UserError
from .folder import Folder
from .page import render

LOOPBACK = "127.0.0.1"


def _missing() -> Response:
    return PlainTextResponse("not found", status_code=404)


def _file(folder: Folder, name: str) -> Response:
    """A data file of `folder` by name only: one it listed, still a plain file of it."""
    root = folder.path.resolve()
    path = root / name
    if not folder.has(name) or path.is_symlink() or not path.is_file() \
            or path.resolve().parent != root:
        return _missing()
    return FileResponse(path)


def app_for(folder: Folder) -> Starlette:
    page = render(folder, embed=False)
    kept: dict[str, tuple[Folder, str]] = {}  # an experiment's replays, opened when asked

    def replay(name: str) -> tuple[Folder, str] | None:
        if name not in folder.replays:
            return None
        if name not in kept:
            try:
                sub = folder.replay(name)
            except UserError:
                return None
            kept[name] = (sub, render(sub, embed=False))
        return kept[name]

    async def index(request: Request) -> Response:
        return HTMLResponse(page)

    async def data(request: Request) -> Response:
        return _file(folder, request.path_params["name"])

    async def replay_page(request: Request) -> Response:
        r = replay(request.path_params["replay"])
        return HTMLResponse(r[1]) if r else _missing()

    async def replay_data(request: Request) -> Response:
        r = replay(request.path_params["replay"])
        return _file(r[0], request.path_params["name"]) if r else _missing()

    async def missing(request: Request, exc: Exception) -> Response:
        return _missing()

    return Starlette(routes=[Route("/", index), Route("/files/{name:path}", data),
                             Route("/replays/{replay}/", replay_page),
                             Route("/replays/{replay}/files/{name:path}", replay_data)],
                     exception_handlers={404: missing})


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def listen(host: str, port: int) -> socket.socket:
    """A socket listening at host:port (port 0: a free one), or a UserError saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((host, port))
        sock.listen(64)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise UserError(f"--port {port}: the port is in use on {host}; choose another "
                            "--port, or 0 for a free one") from None
        raise UserError(f"--host {host}: cannot listen there ({e.strerror or e})") from None
    return sock


def serve(folder: Folder, host: str = LOOPBACK, port: int = 0, browser: bool = True,
          say: Callable[[str], None] = print, warn: Callable[[str], None] = print) -> None:
    """Serve `folder` until interrupted, printing its address (and opening it)."""
    import uvicorn

    sock = listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/"
    if not is_loopback(host):
        warn(f"--host {host}: the war room is reachable from other machines, and it serves "
             "this folder's data to anyone who asks")
    say(f"war room of {folder.path} at {url} (Ctrl-C stops it)")
    if browser:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    server = uvicorn.Server(uvicorn.Config(app_for(folder), log_level="warning",
                                           lifespan="off"))
    server.run(sockets=[sock])
