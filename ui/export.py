"""Charts and tables with downloads: PNG/SVG (rendered on click, presentation size) and XLSX."""
from __future__ import annotations

import re
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from cx.report import images, xlsx


# Plotly's own camera button saves a small 512×360 PNG beside the real export (and its tooltips are English):
# the download menu below is the one way to save a chart. No logo, no English "Produced with Plotly".
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage", "sendDataToCloud"]}


def _name(fig: go.Figure) -> str:
    title = (fig.layout.title.text or "chart").split("<br>")[0]
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", title)[:60] or "chart"


class _Spec(dict):
    """A shared figure's plotly dict with its JSON text computed once (read-only by convention)."""

    __slots__ = ("json",)


class SharedFigure(go.Figure):
    """A built figure shared by every rerun and session: ``to_dict()`` returns the dict computed when it was
    built, and ``plotly.io.to_json`` of that dict returns the JSON computed then, so ``st.plotly_chart`` no longer
    deep-copies, base64-encodes and JSON-encodes the same figure on every view (the largest part of a chart's
    per-view CPU). Don't mutate a shared figure; ``images.presentable`` copies it before changing it."""

    def to_dict(self) -> dict:
        return self._cx_spec


def _share(fig: go.Figure) -> SharedFigure:
    shared = SharedFigure(fig)
    spec = _Spec(fig.to_dict())
    spec.json = _PIO_TO_JSON(spec, validate=False)
    shared._cx_spec = spec
    return shared


def _to_json(fig, *args, **kwargs):
    """plotly.io.to_json, answering from the precomputed text for a shared figure's dict."""
    if isinstance(fig, _Spec) and not args and kwargs.get("validate") is False and len(kwargs) == 1:
        return fig.json
    return _PIO_TO_JSON(fig, *args, **kwargs)


_PIO_TO_JSON = getattr(pio.to_json, "__wrapped__", pio.to_json)
_to_json.__wrapped__ = _PIO_TO_JSON
pio.to_json = _to_json          # st.plotly_chart calls plotly.io.to_json(figure.to_dict(), validate=False)


@st.cache_resource(max_entries=256, ttl=3600, show_spinner=False)
def _built(memo: tuple, _build: Callable[[], go.Figure]) -> go.Figure:
    return _share(_build())


def figure(memo: tuple, build: Callable[[], go.Figure]) -> go.Figure:
    """The figure ``build()`` makes, built once and shared by every rerun and session asking with the same
    ``memo`` — a tuple that must name everything the figure depends on (page, chart, data version, filters,
    choices). Building a plotly figure costs more CPU than reading its cached data; st.plotly_chart and the
    downloads only read the figure (images.presentable copies it)."""
    return _built(memo, build)


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
    event = st.plotly_chart(fig, width="stretch", key=key, config=PLOTLY_CONFIG, **kw)
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
