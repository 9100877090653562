"""One trend-grain picker (ui/grain.py, words in cx/timegrain.py) on 总览, 门店画像, 旅程热力图 and 汇报导出."""
import json

from cx import timegrain
from tests.helpers import open_page

PAGES = {"pages/overview.py": "ov_grain", "pages/store_profile.py": "pf_grain", "pages/report.py": "rp_grain"}


def titles(at) -> set[str]:
    return {json.loads(c.proto.spec)["layout"]["title"]["text"].split("<br>")[0] for c in at.get("plotly_chart")}


def test_every_page_offers_the_same_grains_and_titles_its_trends_by_them(app_db):
    at = open_page()
    for page, key in PAGES.items():
        at.switch_page(page).run()
        if page == "pages/store_profile.py":
            at.selectbox(key="profile_store").set_value(at.selectbox(key="profile_store").options[0]).run()
        assert not at.exception, at.exception
        picker = at.button_group(key=key)
        assert picker.label == "趋势粒度" and picker.value == "auto", page
        assert [o.content for o in picker.proto.options] == ["自动", "日", "周", "月"], page
        assert timegrain.AUTO_HELP in picker.help, page
    at.switch_page("pages/journey.py").run()
    at.radio(key="jr_dim").set_value("month").run()
    assert [o.content for o in at.button_group(key="jr_grain").proto.options] == ["自动", "日", "周", "月"]
    at.switch_page("pages/overview.py").run()
    for grain, per in timegrain.PER.items():
        at.button_group(key="ov_grain").set_value(grain).run()
        assert not at.exception, at.exception
        assert f"NPS {per}趋势" in titles(at) and f"CSAT {per}趋势（%）" in titles(at), grain
