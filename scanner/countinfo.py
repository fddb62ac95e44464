"""The count's own facts: who held it, where and when, under which rules, and how many took part.

They are kept in the count database as text values by key (see :func:`to_values`) and read
back with :func:`from_values`; :func:`parse_file` reads the same facts from a small TOML file.
Parsing is strict: a value that makes no sense is refused with a message naming it.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import CountSettingsError
from .rules import DEFAULT_FRAMEWORK, FRAMEWORKS, Denominator, Framework, quorum_met


@dataclass(frozen=True)
class BoardMember:
    name: str
    role: str  # e.g. "Trưởng ban", "Thành viên"


@dataclass(frozen=True)
class CountSettings:
    title: str = ""  # e.g. "Lấy phiếu tín nhiệm đối với Ủy viên Ban Thường vụ Tỉnh ủy"
    organisation: str = ""  # the body holding the vote, printed top left of the minutes
    place: str = ""
    held_at: str = ""  # "YYYY-MM-DD HH:MM" (or "YYYY-MM-DD")
    framework: str = DEFAULT_FRAMEWORK
    denominator: Denominator | None = None  # None: the framework's own
    members: int | None = None  # summoned / entitled to vote
    present: int | None = None
    issued: int | None = None  # ballots issued
    board: tuple[BoardMember, ...] = ()
    remarks: str = ""

    @property
    def rules(self) -> Framework:
        return FRAMEWORKS[self.framework]

    @property
    def denominator_kind(self) -> Denominator:
        return self.denominator or self.rules.denominator

    @property
    def quorum_ok(self) -> bool | None:
        """Whether the quorum is met; None when the framework sets none or the figures are missing."""
        q = self.rules.quorum
        if q is None or self.members is None or self.present is None:
            return None
        return quorum_met(self.present, self.members, q)

    def missing(self) -> list[str]:
        """Settings the minutes need that are not given yet, by their option names."""
        out = [name for name in ("title", "organisation", "place", "held_at") if not getattr(self, name)]
        need = {Denominator.ISSUED: "issued", Denominator.MEMBERS: "members"}.get(self.denominator_kind)
        if need and getattr(self, need) is None:
            out.append(need)
        if self.rules.quorum and (self.members is None or self.present is None):
            out += [n for n in ("members", "present") if getattr(self, n) is None and n not in out]
        if not self.board:
            out.append("board")
        return out


_TEXT_KEYS = ("title", "organisation", "place", "remarks")
_NUMBER_KEYS = ("members", "present", "issued")
KEYS = tuple(f.name for f in fields(CountSettings))


def parse_held_at(text: str) -> str:
    """A date, or a date and time, normalised to ``YYYY-MM-DD HH:MM``; Vietnamese order accepted.

    >>> parse_held_at("2026-11-23 14:30"), parse_held_at("23/11/2026 8:05"), parse_held_at("23/11/2026")
    ('2026-11-23 14:30', '2026-11-23 08:05', '2026-11-23')
    """
    text = " ".join(text.split())
    for pattern, has_time in (
        ("%Y-%m-%d %H:%M", True),
        ("%d/%m/%Y %H:%M", True),
        ("%Y-%m-%dT%H:%M", True),
        ("%Y-%m-%d", False),
        ("%d/%m/%Y", False),
    ):
        try:
            when = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return when.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d")
    raise CountSettingsError(f"date {text!r}: write it as YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM")


def parse_board_member(text: str) -> BoardMember:
    """``"Name, Role"`` → a board member (the role is after the last comma; default "Thành viên").

    >>> parse_board_member("Nguyễn Văn An, Trưởng ban")
    BoardMember(name='Nguyễn Văn An', role='Trưởng ban')
    """
    name, _, role = text.rpartition(",") if "," in text else (text, "", "")
    name, role = name.strip(), role.strip() or "Thành viên"
    if not name:
        raise CountSettingsError(f'board member {text!r}: write it as "Name, Role"')
    return BoardMember(name, role)


def _number(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise CountSettingsError(f"{key}: a whole number, not {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise CountSettingsError(f"{key}: a whole number, not {value!r}") from None
    if number < 0 or number > 10_000_000:
        raise CountSettingsError(f"{key}: {number} is out of range")
    return number


def with_changes(base: CountSettings, changes: Mapping[str, Any]) -> CountSettings:
    """``base`` with ``changes`` applied, each checked; a value of None clears a setting."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in KEYS:
            raise CountSettingsError(f"unknown count setting {key!r}; known: {', '.join(KEYS)}")
        if value is None:
            out[key] = getattr(CountSettings(), key)
        elif key in _TEXT_KEYS:
            out[key] = str(value).strip()
        elif key in _NUMBER_KEYS:
            out[key] = _number(key, value)
        elif key == "held_at":
            out[key] = parse_held_at(str(value))
        elif key == "framework":
            name = str(value).strip().lower().replace(" ", "").replace("-", "")
            if name not in FRAMEWORKS:
                raise CountSettingsError(f"framework {value!r}: one of {', '.join(FRAMEWORKS)}")
            out[key] = name
        elif key == "denominator":
            text = str(value).strip().lower()
            if text in ("", "preset", "framework"):
                out[key] = None
            elif text in {d.value for d in Denominator}:
                out[key] = Denominator(text)
            else:
                raise CountSettingsError(f"denominator {value!r}: collected, issued, members or preset")
        elif key == "board":
            members = value if isinstance(value, list | tuple) else [value]
            out[key] = tuple(m if isinstance(m, BoardMember) else parse_board_member(str(m)) for m in members)
    settings = replace(base, **out)
    check(settings)
    return settings


def check(s: CountSettings) -> None:
    """Refuse figures that contradict each other."""
    if s.members is not None and s.present is not None and s.present > s.members:
        raise CountSettingsError(f"present ({s.present}) cannot be more than members summoned ({s.members})")


def to_values(s: CountSettings) -> dict[str, str]:
    """The settings as the text values the database keeps."""
    values: dict[str, str] = {}
    for key in KEYS:
        value = getattr(s, key)
        if key == "board":
            values[key] = json.dumps([[m.name, m.role] for m in value], ensure_ascii=False)
        elif isinstance(value, Denominator):
            values[key] = value.value
        elif value is None:
            values[key] = ""
        else:
            values[key] = str(value)
    return values


def from_values(values: Mapping[str, str]) -> CountSettings:
    """Settings from the database's text values; keys not set keep their defaults."""
    changes: dict[str, Any] = {}
    for key in KEYS:
        text = values.get(key, "")
        if text == "":
            continue
        changes[key] = [BoardMember(n, r) for n, r in json.loads(text)] if key == "board" else text
    return with_changes(CountSettings(), changes)


def parse_file(path: Path, base: CountSettings) -> CountSettings:
    """``base`` with the settings of a TOML file applied (see samples/count.toml)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CountSettingsError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CountSettingsError(f"{path} is not a valid TOML file: {exc}") from exc
    board = data.pop("board", None)
    if board is not None:
        if not isinstance(board, list):
            raise CountSettingsError(f"{path}: board is a list of [[board]] tables with name and role")
        data["board"] = [
            BoardMember(str(m.get("name", "")).strip(), str(m.get("role", "Thành viên")).strip())
            if isinstance(m, dict)
            else parse_board_member(str(m))
            for m in board
        ]
        if any(not m.name for m in data["board"]):
            raise CountSettingsError(f"{path}: every board member needs a name")
    try:
        return with_changes(base, data)
    except CountSettingsError as exc:
        raise CountSettingsError(f"{path}: {exc}") from exc
