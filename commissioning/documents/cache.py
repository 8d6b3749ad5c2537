"""A cache of laid-out PDFs, so that a document whose content has not changed is reused.

Laying a document out (WeasyPrint) is almost all the time of writing documents, and after
a slider move most documents read exactly as before. A PDF is a function of its HTML, of
the WeasyPrint version and PDF options, and (only for relative links or images) of the
folder it is laid out for. The HTML is rendered from the document's context by its
template with every partial and filter, so its SHA-256 fingerprints the context and the
template together: a changed figure, sentence, partial, style or logo changes the key, and
a cached PDF is never stale. Rendering the HTML costs a fraction of laying it out.

Entries are files `<key>.pdf` under the cache folder, written atomically; a hit refreshes
the file's time, and after each new entry the least recently used are removed until the
folder is under its size limit. Two runs, or the pool's processes, may share a folder.

`commissioning documents --out DIR` keeps the cache beside the output folder, in
`.DIR-document-cache` (so the output folder holds only the documents);
COMMISSIONING_DOCUMENT_CACHE names another folder (shared by runs and by the app), or
"off"; COMMISSIONING_DOCUMENT_CACHE_MB sets the size limit (default 256).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from commissioning.environment import number_setting
from commissioning.export.files import bytes_writer, write_atomic

log = logging.getLogger(__name__)

CACHE_VARIABLE = "COMMISSIONING_DOCUMENT_CACHE"
LIMIT_VARIABLE = "COMMISSIONING_DOCUMENT_CACHE_MB"
DEFAULT_LIMIT_MB = 256.0
FOLDER_SUFFIX = "-document-cache"
"""The cache's folder beside the output folder `DIR` is `.DIR-document-cache`."""
FORMAT = "1"
"""Changed whenever what goes into a key changes, so old entries are never read."""

_RELATIVE = re.compile(
    r"""(?:\b(?:href|src)\s*=\s*["']?|\burl\(\s*["']?)(?!["'\#]|data:|[a-zA-Z][a-zA-Z0-9+.-]*:)""",
    re.I,
)
"""A link, image or stylesheet reference that WeasyPrint resolves against the folder."""


@dataclass(frozen=True)
class DocumentCache:
    """A folder of laid-out PDFs keyed by what they were laid out from, under a size limit."""

    directory: Path
    limit_bytes: int = int(DEFAULT_LIMIT_MB * 1024 * 1024)

    def key(self, html: str, base_url: str | Path) -> str:
        """The fingerprint of everything the PDF of `html` depends on."""
        from weasyprint import __version__ as weasyprint_version

        from commissioning.documents.render import PDF_OPTIONS

        h = hashlib.sha256()
        settings = f"{FORMAT}\n{weasyprint_version}\n{sorted(PDF_OPTIONS.items())!r}\n"
        h.update(settings.encode())
        if _RELATIVE.search(html):  # relative references are resolved against the folder
            h.update(f"{Path(base_url).resolve()}\n".encode())
        h.update(html.encode("utf-8"))
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        """The PDF kept under `key`, or None; an entry that is not a whole PDF is removed."""
        path = self._path(key)
        try:
            size = path.stat().st_size
            if size > self.limit_bytes:
                raise ValueError("larger than the cache's limit")
            data = path.read_bytes()
            if not (data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")):
                raise ValueError("not a whole PDF")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("document cache entry %s dropped: %s", path.name, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept longest
        return data

    def put(self, key: str, pdf: bytes) -> None:
        """Keep `pdf` under `key` (unless it alone exceeds the limit), then trim the folder.
        A cache that cannot be written is skipped with a warning: it only saves time."""
        if len(pdf) > self.limit_bytes:
            return
        try:
            write_atomic(self._path(key), bytes_writer(pdf))
            self.trim()
        except OSError as exc:
            log.warning("document cache %s not written: %s", self.directory, exc)

    def trim(self) -> None:
        """Remove the least recently used entries until the folder is within its limit."""
        entries = []
        for path in self.directory.glob("*.pdf"):
            with contextlib.suppress(FileNotFoundError):  # another process trimmed it
                st = path.stat()
                entries.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.limit_bytes:
                break
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            total -= size

    def pdf(self, html: str, base_url: str | Path) -> bytes:
        """The PDF of `html`: from the cache when it has been laid out before, else laid
        out now and kept."""
        from commissioning.documents.render import html_to_pdf

        key = self.key(html, base_url)
        found = self.get(key)
        if found is not None:
            return found
        pdf = html_to_pdf(html, base_url)
        self.put(key, pdf)
        return pdf


def limit_bytes() -> int:
    """COMMISSIONING_DOCUMENT_CACHE_MB in bytes (default 256 MB)."""
    mb = number_setting(LIMIT_VARIABLE, DEFAULT_LIMIT_MB, float, "a number of megabytes")
    return int(max(0.0, mb) * 1024 * 1024)


def cache_for(out: Path | None) -> DocumentCache | None:
    """The cache a run uses: the folder COMMISSIONING_DOCUMENT_CACHE names, none if it says
    "off", else `.DIR-document-cache` beside the output folder `out` (None: no default)."""
    named = os.environ.get(CACHE_VARIABLE, "").strip()
    if named.lower() == "off":
        return None
    if named:
        return DocumentCache(Path(named), limit_bytes())
    if out is None:
        return None
    out = Path(out).absolute()
    return DocumentCache(out.parent / f".{out.name}{FOLDER_SUFFIX}", limit_bytes())


def cached_pdf(cache: DocumentCache | None, html: str, base_url: str | Path) -> bytes:
    """`html_to_pdf`, through `cache` when there is one."""
    if cache is None:
        from commissioning.documents.render import html_to_pdf

        return html_to_pdf(html, base_url)
    return cache.pdf(html, base_url)


__all__ = ["DocumentCache", "cache_for", "cached_pdf"]
