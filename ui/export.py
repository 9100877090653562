"""Charts and tables with downloads: PNG/SVG (rendered on click, presentation size) and XLSX."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cx.report import images, xlsx


def _name(fig: go.Figure) -> str:
    title = (fig.layout.title.text or "chart").split("<br>")[0]
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", title)[:60] or "chart"


def _audited(kind: str, name: str, make):
    """Wrap a deferred download so it is written to the audit log (who, what, when) when it is fetched."""
    from cx import audit
    from ui import shell

    user, con, address = st.session_state.get("user"), shell.connection(), st.context.ip_address

    def run():
        data = make()
        if user is not None:
            audit.record(con, user.username, "download", user.describe(), f"{kind} {name}", address)
        return data
    return run


def chart(fig: go.Figure, key: str, **kw):
    """st.plotly_chart plus PNG/SVG downloads (1600×900, 2× for PNG) with title, filters and source note."""
    event = st.plotly_chart(fig, width="stretch", key=key, **kw)
    name = _name(fig)
    with st.popover("下载图表", icon=":material/download:"):
        st.download_button("PNG（演示用，1600×900）", _audited("PNG", name, lambda: images.to_image(fig, "png")), file_name=f"{name}.png",
                           mime="image/png", key=f"{key}_png", on_click="ignore")
        st.download_button("SVG（矢量）", _audited("SVG", name, lambda: images.to_image(fig, "svg")), file_name=f"{name}.svg",
                           mime="image/svg+xml", key=f"{key}_svg", on_click="ignore")
    return event


def table(df: pd.DataFrame, name: str, key: str, note: str | None = None, **kw) -> None:
    """st.dataframe plus an XLSX download of the same rows."""
    st.dataframe(df, **kw)
    st.download_button("下载 Excel", _audited("XLSX", name, lambda: xlsx.to_xlsx({name: df}, note)), file_name=f"{name}.xlsx", key=f"{key}_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table_view:", on_click="ignore")
