"""Every page, as each of the four roles, reads right (AppTest; the browser test checks the rendered pixels' text):
no literal nan/None/NaT, no raw 16-hex ids, no half-stripped brand 「（…店）」, no English Streamlit defaults,
and card values short enough for their card."""
import json
import re
import unicodedata

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cx import auth, db
from cx.db import ROOT
from tests.browser.live import PAGES

MISSING = re.compile(r"(?<![A-Za-z])(nan|NaN|None|NaT)(?![A-Za-z])")
HEX_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{16}(?![0-9a-f])")
BRACKETED = re.compile(r"^（[^）]*）$|(^|\s)（[^）]*店）")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
ENGLISH_DEFAULTS = ("Choose an option", "Select all", "No options to select", "Upload", "Browse files")


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def users(app_db) -> dict[str, auth.User]:
    """The demo accounts (the same region and store the README's demo-region / demo-store get)."""
    con = db.connect(app_db)
    made = auth.create_demo_users(con)
    con.close()
    return {u.role: u for u in made}


def texts(at) -> list[tuple[str, str]]:
    """(where, text) of everything a user reads on the page."""
    out = []

    def walk(node):
        children = getattr(node, "children", None)
        kind = type(node).__name__
        for attr in ("label", "value", "body", "placeholder", "help"):
            # a selection widget's value is the internal option (shown through its formatted options)
            internal = kind in ("Dataframe", "UnknownElement", "Selectbox", "Multiselect", "Radio", "SelectSlider")
            v = getattr(node, attr, None) if attr != "value" or not internal else None
            try:
                if isinstance(v, str) and v:
                    out.append((f"{kind}.{attr}", v))
            except Exception:       # noqa: BLE001 - some widgets compute value lazily
                pass
        if kind in ("Selectbox", "Multiselect", "Radio"):
            out.extend((f"{kind}.option", str(o)) for o in node.options)
        if kind == "Metric":
            out.append(("Metric.delta", node.delta or ""))
        if kind == "Dataframe":
            df = node.value
            df = getattr(df, "data", df)
            out.extend(("Dataframe.column", str(c)) for c in df.columns)
            for c in df.columns:
                col = df[c]
                if col.dtype == object or pd.api.types.is_string_dtype(col):
                    out.extend(("Dataframe.cell", "None" if v is None or (isinstance(v, float) and v != v) else str(v))
                               for v in col.head(200))
        if kind == "UnknownElement" and getattr(node, "type", "") == "plotly_chart":
            spec = json.loads(node.proto.spec)
            config = json.loads(node.proto.config or "{}")
            if "toImage" not in config.get("modeBarButtonsToRemove", []):
                out.append(("Plotly.config English", "Plotly camera button (512×360 PNG, English tooltip) shown"))
            for t in spec["data"]:
                xs = t.get("x")
                if t.get("type") != "heatmap" and isinstance(xs, list) and xs and isinstance(xs[0], str) \
                        and ISO_DATE.match(xs[0]):
                    axis = spec["layout"].get("xaxis" + (t.get("xaxis", "x")[1:] or ""), {})
                    if axis.get("type") != "category" and not axis.get("tickformat"):
                        out.append(("Plotly.axis English", f"date axis without a numeric tickformat: {xs[0]}"))
            out.append(("Plotly.title", str(spec["layout"].get("title", {}).get("text", ""))))
            out.extend(("Plotly.trace", str(t.get("name", ""))) for t in spec["data"] if t.get("name"))
            for t in spec["data"]:
                for axis in ("x", "y"):
                    vals = t.get(axis)
                    if isinstance(vals, list) and vals and all(isinstance(v, str) for v in vals[:50]):
                        out.extend((f"Plotly.{axis}", v) for v in vals[:50])
        if isinstance(children, dict):
            for c in children.values():
                walk(c)

    walk(at._tree)
    return out


@pytest.mark.parametrize("role", ["hq", "analyst", "region", "store"])
def test_every_page_reads_right_for_every_role(app_db, role):
    user = users(app_db)[role]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["user"] = user
    at.run()
    problems = []
    for name in PAGES:
        if name:
            at.switch_page(f"pages/{name}.py").run()
        where = name or "home"
        if at.exception:
            problems.append((where, "exception", at.exception[0].message))
            continue
        for kind, text in texts(at):
            if kind in ("Dataframe.cell", "Plotly.x", "Plotly.y") and not text:
                continue
            if MISSING.search(text):
                problems.append((where, kind, text[:80]))
            if HEX_ID.search(text):
                problems.append((where, kind + " hex id", text[:80]))
            if BRACKETED.search(text):
                problems.append((where, kind + " bracketed store name", text[:80]))
            if (any(e in text for e in ENGLISH_DEFAULTS) or "English" in kind) and kind != "Dataframe.cell":
                problems.append((where, kind + " English", text[:80]))
        for m in at.metric:
            if width(m.value) > 14 or width(m.delta or "") > 16:
                problems.append((where, "metric too long for its card", f"{m.label}: {m.value} {m.delta or ''}"))
    assert not problems, "\n".join(map(str, problems[:40]))
