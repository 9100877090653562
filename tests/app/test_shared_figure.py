"""ui.export.figure shares one built figure across reruns and sessions, with its plotly dict and JSON computed
once: what st.plotly_chart sends must be byte-for-byte what it would send for the plain figure, repeated views
must not re-encode it, and exports must still get a figure they can change without touching the shared one."""
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from streamlit.testing.v1 import AppTest

from cx import charts
from cx.report import images
from ui import export


def _figure() -> go.Figure:
    monthly = pd.DataFrame({"month": pd.date_range("2026-01-01", periods=6, freq="MS"),
                            "nps": [10.0, 12.5, np.nan, 15.0, 11.0, 9.5], "nps_low": [5.0, 7, np.nan, 9, 6, 4],
                            "nps_high": [15.0, 18, np.nan, 21, 16, 15], "nps_n": [120, 130, 0, 140, 90, 80]})
    return charts.trend_with_ci(monthly, "nps", "NPS 月度趋势", "2026-01-01 至 2026-06-30")


def test_shared_figure_sends_the_same_spec():
    fig = _figure()
    shared = export._share(fig)
    assert isinstance(shared, go.Figure)
    assert pio.to_json(shared.to_dict(), validate=False) == pio.to_json(fig.to_dict(), validate=False)
    assert shared.layout.title.text == fig.layout.title.text          # _name() and exports read the figure


def test_shared_spec_is_not_encoded_again(monkeypatch):
    shared = export._share(_figure())
    calls = []
    monkeypatch.setattr(export, "_PIO_TO_JSON", lambda *a, **k: calls.append(1) or "{}")
    assert pio.to_json(shared.to_dict(), validate=False) == shared.to_dict().json
    assert calls == []
    pio.to_json({"data": []}, validate=False)                            # anything else goes to plotly
    assert calls == [1]


def test_presentable_copy_leaves_the_shared_figure_alone():
    shared = export._share(_figure())
    before = shared.to_dict().json
    big = images.presentable(shared, "来源")
    assert big.layout.width == images.WIDTH and big.layout.font.size == 20
    assert shared.to_dict().json == before and shared.layout.width is None


def test_streamlit_chart_gets_the_precomputed_spec():
    """A real script run: the plotly_chart element carries the shared figure's JSON (the same text twice)."""
    def script():
        import plotly.graph_objects as go
        import streamlit as st

        from ui import export
        fig = export.figure(("t_shared", 1), lambda: go.Figure(go.Bar(x=["甲", "乙"], y=[3, 5]),
                                                                  layout={"title": {"text": "测试"}}))
        st.session_state["spec"] = fig.to_dict().json
        st.plotly_chart(fig, key="t1")          # what export.chart calls (without the audited downloads)
        st.plotly_chart(fig, key="t2")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    assert len(specs) == 2 and specs[0] == specs[1] == at.session_state["spec"]
    assert json.loads(specs[0])["data"][0]["x"] == ["甲", "乙"]
