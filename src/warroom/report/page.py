"""Markdown and self-contained HTML pages, written atomically; shared by every report."""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path

STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222} table{border-collapse:collapse;margin:1rem 0} td,th{border:1px solid #ccc;
padding:.25rem .6rem;text-align:right} td:first-child,th:first-child{text-align:left}
img{max-width:100%} .story{font-size:1.05rem;line-height:1.5}"""


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` in one step, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def md_table(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def html_table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c.strip('*'))}</td>" for c in r) + "</tr>"
        for r in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


Section = tuple[str, str, object]  # (heading, kind: text | table | image, content)


def write_pages(folder: Path, title: str, sections: list[Section],
                images: dict[str, bytes]) -> None:
    """report.md (images beside it) and report.html (images embedded) from the same sections."""
    for name, png in images.items():
        atomic_write(folder / name, png)
    md, body = [f"# {title}"], [f"<h1>{html.escape(title)}</h1>"]
    for heading, kind, content in sections:
        if heading:
            md.append(f"## {heading}")
            body.append(f"<h2>{html.escape(heading)}</h2>")
        if kind == "text":
            md.append(str(content))
            body.append(f'<p class="story">{html.escape(str(content))}</p>')
        elif kind == "table":
            md.append(md_table(content))  # type: ignore[arg-type]
            body.append(html_table(content))  # type: ignore[arg-type]
        else:
            name = str(content)
            md.append(f"![{heading or name}]({name})")
            b64 = base64.b64encode(images[name]).decode()
            body.append(f'<img alt="{html.escape(heading or name)}" '
                        f'src="data:image/png;base64,{b64}">')
    atomic_write(folder / "report.md", ("\n\n".join(md) + "\n").encode())
    page = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>'
            f"{html.escape(title)}</title>\n<style>\n{STYLE}\n</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
    atomic_write(folder / "report.html", page.encode())
