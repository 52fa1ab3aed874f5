"""Mutations of a file's bytes, below the format: truncation, bad encodings, control
characters, line ends, huge or empty files, and (for YAML) nesting and document bombs."""

from __future__ import annotations

import random
import re

from .hostile import HUGE, deep, deep_map, laughs


def text_mutation(data: bytes, rng: random.Random, csv_like: bool) -> tuple[bytes, str]:
    ops = ["truncate", "byte_flip", "invalid_utf8", "control", "tabs", "bom", "crlf", "empty",
           "nul", "garbage", "huge_file", "deep", "laughs", "multi_doc", "top_list",
           "comment_only", "long_line"]
    op = rng.choice(ops)
    if op == "truncate":
        n = rng.randrange(len(data) + 1) if data else 0
        return data[:n], f"truncate at byte {n}"
    if op == "byte_flip":
        b = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b), "byte flips"
    if op == "invalid_utf8":
        i = rng.randrange(len(data) + 1)
        bad = rng.choice([b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])
        return data[:i] + bad + data[i:], f"invalid utf-8 {bad!r} at byte {i}"
    if op == "control":
        i = rng.randrange(len(data) + 1)
        c = rng.choice([b"\x07", b"\x1b", b"\x0c", b"\r", b"\x0b", b"\x85", b"\xc2\x85",
                        b"\xe2\x80\xa8", b"\x7f"])
        return data[:i] + c + data[i:], f"control char {c!r} at byte {i}"
    if op == "tabs":
        return re.sub(rb"(?m)^  ", b"\t", data), "tabs for indentation"
    if op == "bom":
        return b"\xef\xbb\xbf" + data, "BOM"
    if op == "crlf":
        return data.replace(b"\n", b"\r\n"), "CRLF line ends"
    if op == "empty":
        return rng.choice([b"", b"\n", b"   ", b"---\n", b"...\n", b"#\n"]), "empty file"
    if op == "nul":
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"\x00" + data[i:], f"NUL at byte {i}"
    if op == "garbage":
        return bytes(rng.randrange(256) for _ in range(rng.choice([16, 512, 4096]))), "garbage"
    if op == "huge_file":
        pad = (b"# " + b"x" * 1000 + b"\n") * 21_000 if not csv_like else \
            b"\n".join([b"#" + b"x" * 1000] * 21_000) + b"\n"
        return pad + data, f"{len(pad):,} bytes of comments first"
    if op == "long_line":
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"z" * HUGE + data[i:], f"{HUGE:,} chars at byte {i}"
    if csv_like and op in ("deep", "laughs", "multi_doc", "top_list", "comment_only"):
        # YAML's bombs mean nothing to a CSV reader: a comment line is its nearest kin
        return b"#" * 10 + b"\n" + data, "comment line first"
    if op == "deep":
        raw = rng.choice([deep(250), deep_map(250), deep(5000)]).encode()
        return data + b"\nfuzz_deep: " + raw + b"\n", "deep nesting appended"
    if op == "laughs":
        return data + b"\nfuzz_laughs: " + laughs(9, 9).encode() + b"\n", "billion laughs"
    if op == "multi_doc":
        return data + b"\n---\n" + data, "two documents"
    if op == "top_list":
        return b"- " + data.replace(b"\n", b"\n  "), "top-level list"
    return b"".join(b"# " + ln + b"\n" for ln in data.splitlines()), "comments only"


