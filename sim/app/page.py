"""The app's page script, run by Streamlit (``sim app``; ``streamlit run`` works too).

Guarded by ``if __name__ == "__main__"``: worker processes started from the app import
this file again under another name and must not draw the page.
"""

from __future__ import annotations

import streamlit as st

from sim.app import other_pages, tradeoff_page
from sim.app.session import (
    REPLICATIONS,
    add_pasted,
    address_ignored,
    baseline_label,
    baselines,
    chosen,
    language,
    pasted,
    presenting,
    read_address,
    runner,
    show_input_error,
    write_address,
)
from sim.app.sources import MAX_PASTE_BYTES, pasted_scenario
from sim.app.text import LANGUAGES, say
from sim.config.errors import InputError

PASTE_ERROR = "paste_error"
PASTE_DONE = "paste_done"  # the key of the scenario just pasted
PAGES = ("page_tradeoff", "page_compare", "page_units", "page_about")

# Room for the chart and the Run button together on a 1280×800 or 1366×768 screen: a
# smaller title and less space above it. (No bare strings here: Streamlit would draw them.)
STYLE = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.75rem; padding-bottom: 2rem}
[data-testid="stMainBlockContainer"] h1 {font-size: 1.5rem; padding: 0 0 0.25rem 0}
[data-testid="stSidebarUserContent"] {padding-top: 0.5rem}
</style>"""

# Presenter mode: large type for a projector.
PRESENTER_STYLE = """<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] button p, [data-testid="stMain"] label p {font-size: 1.3rem}
[data-testid="stMainBlockContainer"] h1 {font-size: 2rem}
</style>"""


def _use_pasted() -> None:
    """Form callback (runs before the widgets are drawn): check the pasted or uploaded
    text and select it as the baseline, or keep the error for the form to show."""
    upload = st.session_state.get("upload")
    text = upload.getvalue() if upload is not None else st.session_state.get("paste_text", "")
    st.session_state.pop(PASTE_ERROR, None)
    st.session_state.pop(PASTE_DONE, None)
    try:
        scenario = pasted_scenario(text, chosen().scenario)
    except InputError as error:
        st.session_state[PASTE_ERROR] = error
        return
    key = add_pasted(scenario)
    st.session_state["baseline"] = st.session_state[PASTE_DONE] = key


def sidebar() -> int:
    """Language, baseline, replications and pasted text; returns the replications."""
    with st.sidebar:
        st.radio(
            say("language", language()),
            list(LANGUAGES),
            format_func=LANGUAGES.__getitem__,
            key="language",
            horizontal=True,
        )
        lang = language()
        st.toggle(say("presenter", lang), key="presenter", help=say("presenter_help", lang))
        names = [*baselines(), *pasted()]
        st.selectbox(
            say("baseline", lang),
            names,
            key="baseline",
            help=say("baseline_help", lang),
            format_func=lambda key: baseline_label(key, lang),
        )
        low, high, default = REPLICATIONS
        scenario = chosen().scenario
        if scenario.posterior is not None:  # an interval over the posterior needs two draws
            low = max(low, 2 * scenario.replications_per_draw)
        st.session_state.setdefault("replications", default)  # or as the address says
        if st.session_state["replications"] < low:
            st.session_state["replications"] = low
        replications = st.slider(
            say("replications", lang),
            low,
            max(high, low),
            key="replications",
            help=say(
                "replications_posterior",
                lang,
                low=low,
                per_draw=scenario.replications_per_draw,
            )
            if low > REPLICATIONS[0]
            else None,
        )
        with st.expander(say("paste_title", lang)):
            st.caption(say("paste_help", lang, limit=MAX_PASTE_BYTES))
            with st.form("paste", clear_on_submit=False, border=False):
                st.text_area(say("paste_text", lang), key="paste_text", height=160)
                st.file_uploader(say("upload", lang), type=["yaml", "yml"], key="upload")
                submitted = st.form_submit_button(say("use_pasted", lang), on_click=_use_pasted)
            error = st.session_state.get(PASTE_ERROR)
            if isinstance(error, InputError):
                show_input_error(error)
            elif submitted and st.session_state.get(PASTE_DONE) in pasted():
                label = baseline_label(st.session_state[PASTE_DONE], lang)
                st.success(say("pasted_ok", lang, name=label))
    return int(replications)


def main() -> None:
    presenter = st.query_params.get("presenter") == "1"  # the sidebar starts folded
    st.set_page_config(
        page_title="sim",
        layout="wide",
        initial_sidebar_state="collapsed" if presenter else "auto",
    )
    runner()  # the first page of the server starts the worker pool
    read_address()
    replications = sidebar()
    lang = language()
    st.html(STYLE + (PRESENTER_STYLE if presenting() else ""))
    st.title(say("title", lang))
    address_ignored()
    name = chosen().name
    write_address(
        {
            "lang": lang,
            "baseline": None if name in pasted() else name,
            "reps": None if replications == REPLICATIONS[2] else str(replications),
            "presenter": "1" if presenting() else None,
        }
    )
    tabs = st.tabs([say(page, lang) for page in PAGES])
    with tabs[0]:
        tradeoff_page.show(replications)
    with tabs[1]:
        other_pages.show_compare(replications)
    with tabs[2]:
        other_pages.show_units(replications)
    with tabs[3]:
        other_pages.show_about()


if __name__ == "__main__":
    main()
