"""Mutations of a battle record (CSV) by its columns and rows, and of a raster CSV beside a
tactical scenario."""

from __future__ import annotations

import contextlib
import csv
import io
import random

from .hostile import HUGE, RECORD_HOSTILE
from .text_mutations import text_mutation

BENIGN_OPS = ["scale_col", "thin", "reorder", "drop_optional", "add_losses"]
BAD_OPS = ["zero_col", "hostile_cell", "tiny_dt", "huge_t", "non_increasing", "long_field",
           "drop_col", "add_col", "many_rows", "rows_4999", "header_only", "one_row", "ragged",
           "negative", "overkill", "blank_after_first", "dup_column", "space_header",
           "quoted_newline", "semicolons", "first_blank"]


def _drop_column(header: list[str], rows: list[list[str]], c: int) -> list[list[str]]:
    header.pop(c)
    return [r[:c] + r[c + 1:] for r in rows]


def record_mutation(text: str, rng: random.Random, benign: bool) -> tuple[str, list[str]]:
    lines = text.splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    if not body:
        return text, []
    header = next(csv.reader([body[0]]))
    rows = [next(csv.reader([ln]), []) for ln in body[1:]]
    log: list[str] = []

    def col(name: str) -> int | None:
        return header.index(name) if name in header else None

    def cells(c: int) -> list[list[str]]:
        """The rows, each padded to have column c."""
        for r in rows:
            while len(r) <= c:
                r.append("")
        return rows

    n_ops = 1 if rng.random() < 0.6 else rng.randint(2, 3)
    for _ in range(n_ops):
        op = rng.choice(BENIGN_OPS if benign else BAD_OPS + BENIGN_OPS)
        if op == "scale_col":
            name = rng.choice([h for h in header if h != "t"] or header)
            f = rng.choice([1e3, 1e-3, 10, 0.1, 1e6])
            c = header.index(name)
            for r in cells(c):
                with contextlib.suppress(ValueError):
                    r[c] = f"{float(r[c]) * f:.6g}" if r[c].strip() else r[c]
            log.append(f"scale column {name} x{f:g}")
        elif op == "thin":
            c = col(rng.choice(["blue", "red"]))
            if c is not None:
                for r in cells(c)[1:-1]:
                    if rng.random() < 0.6:
                        r[c] = ""
                log.append(f"thin column {header[c]}")
        elif op == "reorder":
            perm = list(range(len(header)))
            rng.shuffle(perm)
            header = [header[i] for i in perm]
            rows = [[(r[i] if i < len(r) else "") for i in perm] for r in rows]
            log.append("reorder columns")
        elif op == "drop_optional":
            opt = [h for h in header if h not in ("t", "blue", "red")]
            if opt:
                rows = _drop_column(header, rows, header.index(rng.choice(opt)))
                log.append("drop optional column")
        elif op == "add_losses" and "blue_losses" not in header:
            header += ["blue_losses", "red_losses"]
            for k, r in enumerate(rows):
                r += ["" if k == 0 else f"{rng.uniform(0, 50):.3g}",
                      "" if k == 0 else f"{rng.uniform(0, 50):.3g}"]
            log.append("add loss columns")
        elif op == "zero_col":
            name = rng.choice([h for h in header if h != "t"] or ["blue"])
            c = col(name)
            if c is not None:
                for r in cells(c):
                    r[c] = "0"
                log.append(f"zero column {name}")
        elif op == "hostile_cell" and rows:
            r = rng.choice(rows)
            c = rng.randrange(len(header))
            cells(c)
            v = rng.choice(RECORD_HOSTILE)
            r[c] = v
            log.append(f"cell {header[c]} = {v!r}")
        elif op == "tiny_dt":
            c = col("t")
            if c is not None:
                for k, r in enumerate(cells(c)):
                    r[c] = repr(k * 1e-300)
                log.append("times 1e-300 apart")
        elif op == "huge_t":
            c = col("t")
            if c is not None:
                for k, r in enumerate(cells(c)):
                    r[c] = repr(1e300 + k * 1e290)
                log.append("times near 1e300")
        elif op == "non_increasing" and len(rows) >= 2:
            c = col("t")
            if c is not None:
                i = rng.randrange(1, len(rows))
                cells(c)
                rows[i][c] = rows[i - 1][c] if rng.random() < 0.5 else "-5"
                log.append(f"time at row {i} not increasing")
        elif op == "long_field" and rows:
            r = rng.choice(rows)
            c = rng.randrange(len(header))
            cells(c)
            r[c] = rng.choice(["1", "x", " "]) * HUGE
            log.append(f"{HUGE:,}-char field in {header[c]}")
        elif op == "drop_col":
            name = rng.choice(header)
            rows = _drop_column(header, rows, header.index(name))
            log.append(f"drop column {name}")
        elif op == "add_col":
            header.append(rng.choice(["green", "", "blue ", "T", "notes"]))
            for r in rows:
                r.append("1")
            log.append(f"add column {header[-1]!r}")
        elif op in ("many_rows", "rows_4999") and rows:
            target = 20_000 if op == "many_rows" else rng.choice([4_999, 2_000])
            c = col("t")
            last = rows[-1]
            while len(rows) < target:
                r = list(last)
                if c is not None:
                    r[c] = str(len(rows))
                rows.append(r)
            if c is not None:
                for k, r in enumerate(cells(c)):
                    r[c] = str(k)
            log.append(f"{target:,} rows")
        elif op == "header_only":
            rows = []
            log.append("header only")
        elif op == "one_row":
            rows = rows[:1]
            log.append("one row")
        elif op == "ragged" and rows:
            r = rng.choice(rows)
            if rng.random() < 0.5:
                r += ["7", "8", "9"]
                log.append("row with extra cells")
            else:
                del r[1:]
                log.append("short row")
        elif op == "negative":
            c = col(rng.choice(["blue", "red"]))
            if c is not None and rows:
                cells(c)[rng.randrange(len(rows))][c] = "-100"
                log.append(f"negative {header[c]}")
        elif op == "overkill":
            c = col(rng.choice(["blue_losses", "red_losses", "blue", "red"]))
            if c is not None and len(rows) > 1:
                cells(c)[1][c] = "1e12"
                log.append(f"{header[c]} 1e12 at row 1")
        elif op == "blank_after_first":
            for name in ("blue", "red"):
                c = col(name)
                if c is not None:
                    for r in cells(c)[1:]:
                        r[c] = ""
            log.append("strengths only at the start")
        elif op == "dup_column":
            header.append(rng.choice(["t", "blue", "red"]))
            for r in rows:
                r.append("5")
            log.append(f"duplicate column {header[-1]}")
        elif op == "space_header":
            header = [f" {h} " for h in header]
            log.append("spaces around header names")
        elif op == "quoted_newline" and rows:
            c = rng.randrange(len(header))
            cells(c)[0][c] = "1\n2"
            log.append(f"quoted newline in {header[c]}")
        elif op == "first_blank":
            c = col(rng.choice(["blue", "red", "t"]))
            if c is not None and rows:
                cells(c)[0][c] = ""
                log.append(f"first {header[c]} blank")
        elif op == "semicolons":
            out = ";".join(header) + "\n" + "\n".join(";".join(r) for r in rows) + "\n"
            return "\n".join(comments + [out]), log + ["semicolon-separated"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return "\n".join(comments + [buf.getvalue()]), log


def raster_mutation(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A mutation of a raster CSV beside a tactical scenario."""
    text = data.decode("utf-8", "replace")
    rows = [r.split(",") for r in text.splitlines()]
    op = rng.choice(["cell", "ragged", "drop_row", "text"])
    if op == "cell" and rows:
        r = rng.choice(rows)
        r[rng.randrange(len(r))] = rng.choice(RECORD_HOSTILE)
    elif op == "ragged" and rows:
        rng.choice(rows).append("1")
    elif op == "drop_row" and rows:
        rows.pop(rng.randrange(len(rows)))
    else:
        return text_mutation(data, rng, csv_like=True)
    return ("\n".join(",".join(r) for r in rows) + "\n").encode(), f"raster {op}"
