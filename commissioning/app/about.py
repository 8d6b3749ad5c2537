"""About: what the workbench is, how to use it, the few terms it keeps, and where plans are kept."""

from __future__ import annotations

import streamlit as st

from commissioning import __version__
from commissioning.app import state, widgets
from commissioning.app.glossary import GLOSSARY, PAGES_HELP
from commissioning.app.markup import escape_markdown


def render() -> None:
    st.title("About and settings")
    st.markdown(
        "The PEI commissioning workbench helps a partnership realign its Prevention and Early "
        "Intervention money towards its priorities and towards prevention, within every "
        "funding envelope and policy rule, and says which services to grow, keep, reduce, "
        "commission or decommission, and why."
    )
    st.subheader("How to use it")
    st.markdown("\n".join(f"- **{page}**: {text}" for page, text in PAGES_HELP))
    st.subheader("Terms the workbench uses")
    st.markdown("\n".join(f"- **{term}**: {text}" for term, text in GLOSSARY.items()))

    st.subheader("Where plans are kept")
    st.markdown(
        "Every plan made here is kept as a run, with the exact data it came from; the same "
        "data and settings are kept once. Saved scenarios, decisions and the audit trail "
        "are kept in the same place."
    )
    try:
        from commissioning.store.store import display_url

        where = display_url(state.store_url())
    except Exception as exc:  # the rest of the page works without the store
        widgets.store_unavailable(exc, "This view")
        return
    st.code(where, language=None, wrap_lines=True)
    st.caption(
        "Set DATABASE_URL before starting the workbench to keep plans in PostgreSQL or "
        f"another file. Toolkit version {escape_markdown(__version__)}."
    )
    loaded = state.active()
    widgets.data_caption(loaded)


if __name__ == "__main__":
    render()
