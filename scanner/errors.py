"""Errors the project raises for expected failures, each carrying what a person needs to fix it.

::

    ScannerError
    ├── OfficialsError      a bad list of officials (names the file and line)
    ├── TemplateError       a missing or invalid template.json
    ├── StoreError          a database that is not ours, or of a newer schema
    ├── CountSettingsError  a count setting that makes no sense (names the setting)
    └── MissingToolError    a program the scan needs is not installed (poppler-utils)

Unreadable *pages* are not exceptions: they are :class:`scanner.model.Unreadable` values.
"""

from __future__ import annotations


class ScannerError(Exception):
    """Base of every expected failure; the CLI prints its message and exits with code 1."""


class OfficialsError(ScannerError):
    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class TemplateError(ScannerError):
    pass


class StoreError(ScannerError):
    pass


class CountSettingsError(ScannerError):
    pass


class MissingToolError(ScannerError):
    """Not a bad file but a machine to set up: the command stops instead of blaming the file."""
