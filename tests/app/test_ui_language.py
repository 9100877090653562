"""No English leftovers from Streamlit's defaults: every selection widget gets a Chinese placeholder
(Streamlit's own is "Choose an option", shown whenever the options are empty)."""
import ast

import pytest

from cx.db import ROOT

SOURCES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py"])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_selection_widgets_have_chinese_placeholders(path):
    missing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("selectbox", "multiselect"):
            ph = next((k.value for k in node.keywords if k.arg == "placeholder"), None)
            if not (isinstance(ph, ast.Constant) and any("\u4e00" <= ch <= "\u9fff" for ch in str(ph.value))):
                missing.append(node.lineno)
    assert not missing, f"{path.name}: selection widgets without a Chinese placeholder on lines {missing}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_multiselects_offer_no_english_select_all(path):
    """Streamlit 1.67 adds an English 「Select all」 row to every multiselect (and an empty filter already means all)."""
    missing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "multiselect":
            flag = next((k.value for k in node.keywords if k.arg == "select_all"), None)
            if not (isinstance(flag, ast.Constant) and flag.value is False):
                missing.append(node.lineno)
    assert not missing, f"{path.name}: multiselects without select_all=False on lines {missing}"


def test_charts_are_drawn_only_through_the_export_wrapper():
    """ui.export.chart hides plotly's camera button; a direct st.plotly_chart would bring it back."""
    direct = [p.name for p in SOURCES if p.name != "export.py" and "st.plotly_chart(" in p.read_text(encoding="utf-8")]
    assert not direct, direct
