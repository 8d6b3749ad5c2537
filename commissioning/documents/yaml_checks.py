"""Reading one wording file of `specs/` and collecting every problem in it, with the key
where it occurred, so `load_content` can name them all at once."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from commissioning.inputs.read import MAX_YAML_BYTES, load_yaml


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong in a content file: where (file and key) and what."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.key}: {self.message}"
            if self.key
            else f"{self.file}: {self.message}"
        )


class ContentError(Exception):
    """The content files cannot be used: every problem found, together."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = tuple(problems)
        n = len(problems)
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the document content:\n{lines}")


class Checker:
    """Reads one YAML file, collecting problems with the key path where each occurred."""

    def __init__(self, directory: Path, name: str, problems: list[ContentProblem]):
        self.name = name
        self.path = directory / name
        self.problems = problems

    def problem(self, key: str, message: str) -> None:
        self.problems.append(ContentProblem(self.name, key, message))

    def load(self) -> Mapping[str, Any] | None:
        try:
            if self.path.stat().st_size > MAX_YAML_BYTES:
                size = self.path.stat().st_size / 1e6
                limit = MAX_YAML_BYTES / 1e6
                self.problem(
                    "", f"is {size:,.1f} MB; a wording file may be at most {limit:,.0f} MB"
                )
                return None
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problem("", f"file not found (looked for {self.path})")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.problem("", f"cannot be read: {exc}")
            return None
        try:
            doc = load_yaml(raw)
        except ValueError as exc:  # nested too deeply to parse
            self.problem("", str(exc))
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            what = getattr(exc, "problem", None) or str(exc)
            self.problem(where, f"is not valid YAML: {what}")
            return None
        if not isinstance(doc, dict):
            self.problem("", "must be a mapping of keys to values at the top level")
            return None
        return doc

    def mapping(self, doc: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = doc.get(key)
        if not isinstance(value, dict):
            self.problem(join(where, key), missing_or("must be a mapping", value, key, doc))
            return {}
        return value

    def text(
        self,
        doc: Mapping[str, Any],
        key: str,
        where: str,
        *,
        fields: frozenset[str] | None = None,
        required: bool = True,
    ) -> str:
        """A non-empty string (numbers are accepted as text); placeholders checked."""
        here = join(where, key)
        value = doc.get(key)
        if value is None and not required and key not in doc:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(here, missing_or("must be text", value, key, doc))
            return ""
        text = str(value).strip()
        if not text:
            self.problem(here, "is empty")
            return ""
        self.check_fields(text, here, fields or frozenset())
        return text

    def texts(
        self, doc: Mapping[str, Any], key: str, where: str, fields: frozenset[str] | None = None
    ) -> tuple[str, ...]:
        """A non-empty list of non-empty texts."""
        here = join(where, key)
        value = doc.get(key)
        if not isinstance(value, list) or not value:
            self.problem(here, missing_or("must be a non-empty list", value, key, doc))
            return ()
        out = []
        for n, item in enumerate(value, 1):
            if (
                isinstance(item, bool)
                or not isinstance(item, str | int | float)
                or not str(item).strip()
            ):
                self.problem(f"{here}[{n}]", "must be non-empty text")
                continue
            self.check_fields(str(item), f"{here}[{n}]", fields or frozenset())
            out.append(" ".join(str(item).split()))
        return tuple(out)

    def check_fields(self, text: str, where: str, fields: frozenset[str]) -> None:
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            self.problem(where, f"has a broken placeholder ({exc}); write a literal brace as {{{{")
            return
        for name in names:
            if name not in fields:
                allowed = ", ".join("{" + f + "}" for f in sorted(fields)) or "none"
                self.problem(where, f"unknown placeholder {{{name}}} (allowed here: {allowed})")

    def known_keys(self, doc: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in doc:
            if str(key) not in allowed:
                self.problem(
                    join(where, str(key)),
                    f"unknown key (expected one of: {', '.join(sorted(allowed))})",
                )


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def missing_or(what: str, value: object, key: str, doc: Mapping[str, Any]) -> str:
    if key not in doc:
        return f"missing ({what.removeprefix('must be ').removeprefix('must ')})"
    return f"{what}, not {type(value).__name__} {value!r}"
