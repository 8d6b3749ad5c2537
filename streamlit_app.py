"""The commissioner's workbench: `streamlit run streamlit_app.py`.

Navigation only: each page lives in `commissioning/app/` and the package does the work.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="PEI commissioning workbench",
    page_icon=":material/balance:",
    layout="wide",
    initial_sidebar_state="expanded",
)

# A 1280-px screen: the default side padding would leave tables scrolling sideways.
st.html(
    "<style>[data-testid='stMainBlockContainer']{padding-left:2rem;padding-right:2rem;"
    "padding-top:2.5rem;max-width:none}</style>"
)

PAGES = [
    st.Page(
        "commissioning/app/overview.py", title="Overview", icon=":material/dashboard:", default=True
    ),
    st.Page(
        "commissioning/app/register.py",
        url_path="register",
        title="Register",
        icon=":material/table_view:",
    ),
    st.Page("commissioning/app/plan.py", url_path="plan", title="Plan", icon=":material/tune:"),
    st.Page(
        "commissioning/app/compare.py",
        url_path="compare",
        title="Compare",
        icon=":material/compare_arrows:",
    ),
    st.Page(
        "commissioning/app/history.py",
        url_path="history",
        title="History",
        icon=":material/history:",
    ),
    st.Page(
        "commissioning/app/explain.py", url_path="explain", title="Explain", icon=":material/help:"
    ),
    st.Page(
        "commissioning/app/documents.py",
        url_path="documents",
        title="Documents",
        icon=":material/description:",
    ),
    st.Page(
        "commissioning/app/monitor.py",
        url_path="monitor",
        title="Monitor",
        icon=":material/monitoring:",
    ),
    st.Page(
        "commissioning/app/audit.py",
        url_path="audit",
        title="Audit",
        icon=":material/verified_user:",
    ),
    st.Page(
        "commissioning/app/about.py",
        url_path="about",
        title="About and settings",
        icon=":material/info:",
    ),
]

page = st.navigation(PAGES)
try:
    page.run()
except Exception as exc:  # the last line of defence: never a traceback or a server path
    from commissioning.app.state import logged

    st.error(
        f"Something went wrong on this page, and it stopped. If it "
        f"happens again, tell the workbench's administrator: {logged(exc, 'a page')}.",
        icon=":material/error:",
    )
finally:
    # After every run: Streamlit then collects the garbage, which is quick once the
    # server's long-lived objects are frozen.
    from commissioning.app.heap import settle

    settle()
