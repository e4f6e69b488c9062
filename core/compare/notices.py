"""Warnings for the analyst, with a level, that still read as plain text.

A ``Notice`` is a ``str`` (the message), so callers that print or log warnings keep working,
and carries ``level`` ("info", "warning" or "critical", as QGIS's message levels) and ``kind``
(a stable name a program can act on). ``to_dict`` gives the JSON form.
"""

from __future__ import annotations

LEVELS = ("info", "warning", "critical")


class Notice(str):
    level: str
    kind: str

    def __new__(cls, text: str, kind: str, level: str = "warning") -> Notice:
        if level not in LEVELS:
            raise ValueError(f"a notice level is one of {LEVELS}, not {level!r}")
        notice = super().__new__(cls, text)
        notice.level = level
        notice.kind = kind
        return notice

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level, "kind": self.kind, "message": str(self)}
