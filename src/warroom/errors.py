"""Errors caused by a user's input: they carry everything needed for a one-line message each.

The CLI turns a `UserError` into exit code 2 and a plain message; anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake in an input file."""

    file: str
    line: int | None  # 1-based
    column: int | None  # 1-based
    path: str  # dotted field path, e.g. sides[0].forces[1].strength
    message: str  # what was expected and what was found

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class UserError(Exception):
    """A mistake in what the user gave us (a file, an option): report it, exit 2."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        head = self.args[0]
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)


class ScenarioError(UserError):
    """The scenario file is missing, unreadable or invalid."""


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
