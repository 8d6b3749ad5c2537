"""User text on Markdown surfaces (st.markdown, st.write, captions, alerts, expanders).

Streamlit renders those as Markdown, so a service named `![x](https://tracker/pixel)` would
load a remote image (telling a third party who looked at which service), and a name with
`**`, `$`, `:red[...]`, a link or a list marker would change what the page says. Every
text that came from a user (names, providers, file names, reasons, scenario names, problem
messages that quote cells) goes through `escape_markdown` before it meets Markdown, so it
appears exactly as written. Tables (st.dataframe) are not Markdown and need nothing.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
"""Every ASCII punctuation character: CommonMark lets each be escaped with a backslash,
and escaped, none of them can start emphasis, a link, an image, code, maths, an emoji or
icon short code, a heading, a list, a table or HTML."""
_LINE_BREAKS = re.compile(r"[\r\n\t\f\v]+")


def escape_markdown(text: object) -> str:
    """`text` as Markdown that shows it as written: one line, every punctuation mark
    escaped (so no link, image, emphasis, HTML or bare web address is made of it)."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
