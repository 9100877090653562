"""The upward report: 客户说什么 → 问题是什么 → 原因分析 → 建议 → 执行与验证, as a PPTX deck or an HTML one-pager.

Figures come from cx/charts.py (the same builders the pages use); facts from the domain modules.
"""
from __future__ import annotations

import html
import io
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Pt

from cx import brand, charts, drivers, incidents, journey, metrics, overview, painpoints, scoring, settings, timegrain, vocab
from cx.filters import Filters
from cx.loop import tickets, verify
from cx.report import images

FONT = "Noto Sans CJK SC"
SECTIONS = ("客户说什么", "问题是什么", "原因分析", "建议", "执行与验证")
BLUE = RGBColor(0x2F, 0x6F, 0xDE)
RED = RGBColor(0xC9, 0x2A, 0x2A)
Progress = Callable[[float, str], None]


@dataclass
class Slide:
    section: str
    title: str
    bullets: list[str] = field(default_factory=list)
    figure: go.Figure | None = None
    table: pd.DataFrame | None = None


@dataclass
class Report:
    title: str
    subtitle: str
    slides: list[Slide]
    headline: str | None = None        # the period's most serious incident, named on the title slide


def parse_period(period: str) -> tuple[date, date]:
    """'2026-10' (a month) or '2026-08-01:2026-10-31'."""
    try:
        if ":" in period:
            a, b = period.split(":", 1)
            return date.fromisoformat(a), date.fromisoformat(b)
        y, m = map(int, period.split("-"))
        return date(y, m, 1), date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
    except ValueError:
        raise ValueError(f"无法识别的周期“{period}”：应为 2026-10 或 2026-08-01:2026-10-31") from None


def collect(con, filters: Filters, scope_label: str, sections=SECTIONS, progress: Progress | None = None,
            grain: str = "auto") -> Report:
    """The deck's slides for ``filters``. ``grain`` (day | week | month | auto, cx/timegrain.py) sets the trend's
    periods and the heatmap's time columns (a region's or store's deck); auto picks it from the period."""
    step = progress or (lambda f, m: None)
    grain = timegrain.resolve(grain, filters.start, filters.end)
    per = timegrain.PER[grain]
    sub = filters.describe()
    period = f"{filters.start:%Y-%m-%d} 至 {filters.end:%Y-%m-%d}"
    slides: list[Slide] = []
    k = overview.kpis(con, filters)
    tps = painpoints.touchpoints(con, filters)
    emerging = painpoints.emerging(con, filters) if not tps.empty else pd.DataFrame(columns=["significant"])
    sig = emerging[emerging["significant"].astype(bool)]
    if "客户说什么" in sections:
        step(0.1, "客户说什么…")
        slides.append(_incident_slide(con, filters))
        def est(e, pct):
            if not e.ok:
                return "—"
            return f"{100 * e.value:.1f}%（95% 区间 {100 * e.low:.1f}–{100 * e.high:.1f}%，n={e.n:,}）" if pct else \
                f"{e.value:+.1f}（95% 区间 {e.low:+.1f}～{e.high:+.1f}，n={e.n:,}）"
        bullets = [f"反馈总量 {k['n']:,} 条：问卷 {k['volume']['survey']:,}，客服 {k['volume']['service']:,}，"
                   f"线上评价 {k['volume']['review']:,}，舆情 {k['volume']['opinion']:,}",
                   f"NPS {est(k['nps'], False)}", f"CSAT {est(k['csat'], True)}", f"差评率 {est(k['negative_reviews'], True)}"]
        for name, key in (("NPS", "nps_change"), ("CSAT", "csat_change")):
            c = k.get(key)
            if c is not None and c.significant:
                bullets.append(f"{name} 较上一同长周期显著{'上升' if c.direction > 0 else '下降'}（{metrics.format_p(c.p_value)}）")
        monthly = overview.monthly(con, filters, grain=grain)
        slides.append(Slide("客户说什么", "核心指标", bullets,
                            charts.trend_with_ci(monthly, "nps", f"NPS {per}趋势", sub) if len(monthly) else None))
        v = painpoints.verbatims(con, filters, None, -1, limit=6)
        slides.append(Slide("客户说什么", "典型负面原声", [f"“{t[:80]}”" for t in v["text"]] or ["本期没有负面原声"]))
    if "问题是什么" in sections and not tps.empty:
        step(0.3, "问题是什么…")
        worst = painpoints.top(tps)
        slides.append(Slide("问题是什么", "负面提及最多的触点",
                            [f"{r.label}（{r.stage}）：负面 {r.negative:,} 次，负面率 {r.neg_rate:.0%}" for r in worst.head(5).itertuples()]
                            or ["本期没有负面的触点提及"],
                            charts.touchpoint_bars(worst, "negative", "负面提及最多的触点 TOP10", sub) if len(worst) else None))
        dim = grain if (filters.regions or filters.stores) else "region"      # time columns at the deck's grain
        cells = journey.cells(con, filters, dim)
        if not cells.empty:
            vals, n, small, worse = journey.matrix(cells, "neg_rate")
            slides.append(Slide("问题是什么", "旅程热力图（负面率）", [],
                                charts.journey_heatmap(vals, n, small, worse, "neg_rate", "客户旅程负面率", sub, journey.MIN_N)))
        # volume spikes next to rate rises: a food-safety incident shows in counts, not in rates
        spikes = [f"提及量突增：{incidents.describe(r)}" for _, r in incidents.listing(con, filters).head(5).iterrows()]
        slides.append(Slide("问题是什么", "新兴问题（较上期显著恶化 / 提及量突增）",
                            spikes + [f"{r.label}：负面率 {r.rate_before:.0%} → {r.rate_now:.0%}（{metrics.format_p(r.p_value)}）"
                                      for r in sig.itertuples()]
                            or ["与上一同长周期相比，没有负面率显著上升的触点，也没有门店的提及量突增"]))
    drv = drivers.key_drivers(con, filters)
    if "原因分析" in sections:
        step(0.5, "原因分析…")
        if not drv.empty:
            slides.append(Slide("原因分析", "关键驱动因素（IPA）",
                                [f"{r.label}：负面提及者推荐分低 {r.gap:.1f} 分（{r.quadrant}）" for r in drv.head(5).itertuples()],
                                charts.ipa_quadrant(drv, "重要度–表现分析", sub)))
        if not filters.stores:
            f_rank = filters.with_(sources=(), channels=(), stores=(), scope_stores=None)
            a = scoring.assess(con, f_rank)
            table = scoring.visible(scoring.league(a, simulate=False), filters.scope_stores)
            if filters.regions:
                table = table[table["region"].isin(filters.regions)]
            rows = []
            for r in table[table["rank"].notna()].tail(5).itertuples():   # small samples are in no list
                sw = scoring.strengths_weaknesses(a, r.store_id)
                rows.append({"门店": f"{r.store_id} {brand.short(r.name)}", "排名": r.rank,
                             "综合得分": round(r.composite, 1), "短板": "\n".join(x["sentence"] for x in sw["weak"]) or "—"})
            if rows:
                slides.append(Slide("原因分析", "综合得分靠后的门店及其短板", [], table=pd.DataFrame(rows)))
    if "建议" in sections:
        step(0.7, "建议…")
        recs = [f"必须整改「{r.label}」（安全相关触点）：负面提及 {r.n_neg} 条，负面提及者推荐分低 {r.gap:.1f} 分"
                for r in drv[drv["quadrant"] == drivers.MUST_FIX].itertuples()] if not drv.empty else []
        for r in drv[drv["quadrant"] == "重点改进"].head(3).itertuples():
            recs.append(f"优先改进「{r.label}」：重要度高而好评率仅 {r.performance:.0%}，负面提及者推荐分低 {r.gap:.1f} 分")
        if not tps.empty:
            for r in sig.head(2).itertuples():
                recs.append(f"排查「{r.label}」的新增问题：负面率升至 {r.rate_now:.0%}，建议下发专项工单并复盘根因")
        slides.append(Slide("建议", "建议行动", recs or ["本期数据未显示需要优先处理的触点；保持现有做法并持续监测"]))
    if "执行与验证" in sections:
        step(0.85, "执行与验证…")
        s = tickets.sla(con, filters)
        bullets = []
        if s.tickets:
            bullets.append(f"工单 {s.tickets:,} 张，已解决 {s.resolved:,} 张，SLA 内解决率 "
                           + (f"{s.within_rate:.0%}" if s.within_rate is not None else "—"))
            bullets.append(f"超时 {s.breached:,} 张，升级 {s.escalations:,} 次")
        for a in verify.actions(con, filters.scope_stores).head(3).to_dict("records"):
            v = verify.verify(con, a, scope=filters)
            if v.did is not None:
                verdict = "有效" if v.did_p < 0.05 and v.did < 0 else "尚未证明有效"
                bullets.append(f"{a['description']}（{pd.Timestamp(a['start_date']):%Y-%m-%d}）：相对对照门店负面率变化 "
                               f"{100 * v.did:+.1f} 个百分点，p={v.did_p:.2g}，{verdict}")
        slides.append(Slide("执行与验证", "闭环执行与改进验证", bullets or ["本期没有工单或改进措施"]))
    step(0.95, "排版…")
    inc = incidents.listing(con, filters)
    headline = None
    if len(inc):
        top = inc.iloc[0]
        headline = (f"本期重大事件：{incidents.describe(top)}" + (f"（另有 {len(inc) - 1} 起）" if len(inc) > 1 else ""))
    return Report(f"客户体验报告 · {scope_label}", period, slides, headline)


# --- PPTX ----------------------------------------------------------------------------------------------
def _incident_slide(con, filters: Filters) -> Slide:
    """The deck opens with the period's incidents (cx/incidents.py), most severe first."""
    inc = incidents.listing(con, filters)
    bullets = [f"【{incidents.SEVERITY_LABELS.get(r['severity'], r['severity'])}·{vocab.incident_state_label(r['status'])}】{incidents.describe(r)}"
               for _, r in inc.head(8).iterrows()]
    if len(inc) > 8:
        bullets.append(f"另有 {len(inc) - 8} 起，见系统「重大事件」")
    return Slide("客户说什么", "重大事件", bullets or ["本期未检测到重大事件（门店提及量突增）"])


def _run_font(run, size: int, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    if color is not None:
        run.font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):          # python-pptx sets only the Latin face; Chinese needs the East-Asian one
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", FONT)


def text_width_pt(text: str, size: float) -> float:
    """Rough rendered width of one line in points: CJK characters are square, others about 0.55 em."""
    return sum(size if "\u2e80" <= ch <= "\uffef" else 0.55 * size for ch in text)


def lines_needed(text: str, size: float, width_pt: float) -> int:
    """Lines a cell or box needs for ``text`` (its own line breaks kept) wrapped at ``width_pt``."""
    return sum(max(1, math.ceil(text_width_pt(part, size) / max(1.0, width_pt))) for part in str(text).split("\n"))


def _text(slide, left, top, width, height, lines: list[str], size: int, bold=False, color=None, bullet=False):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE       # shrink on overflow (PowerPoint and LibreOffice honour it)
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = ("• " if bullet else "") + line
        _run_font(run, size, bold, color)
        p.space_after = Pt(8)
    return box


TABLE_FONT, TABLE_HEAD_FONT, CELL_PAD_PT, LINE = 12, 14, 14.4, 1.3


def _table(slide, df: pd.DataFrame, left, top, width, max_height) -> None:
    """A table that fits its slide: columns as wide as their content needs (long text gets the rest), rows
    as tall as their wrapped lines, and the font stepped down until the whole table fits ``max_height``."""
    width_pt = width / 12700
    # 15 % and a few points to spare: renderers' glyph widths and cell insets differ from the estimate
    need = [1.15 * max([text_width_pt(str(c), TABLE_HEAD_FONT)] + [max(text_width_pt(x, TABLE_FONT)
                                                                      for x in str(v).split("\n")) for v in df[c]])
            + CELL_PAD_PT + 6 for c in df.columns]
    short = [min(n, width_pt * 0.3) for n in need]
    longest = max(range(len(need)), key=lambda j: need[j])
    widths = [short[j] if j != longest else 0 for j in range(len(need))]
    widths[longest] = max(width_pt - sum(widths), width_pt * 0.3)
    scale = width_pt / sum(widths)
    widths = [w * scale for w in widths]
    for size in (TABLE_FONT, 11, 10, 9):
        heights = [max(lines_needed(str(c), TABLE_HEAD_FONT, (w - CELL_PAD_PT) / 1.15) for c, w in zip(df.columns, widths))
                   * TABLE_HEAD_FONT * LINE + 12]
        heights += [max(lines_needed(str(v), size, (w - CELL_PAD_PT) / 1.15) for v, w in zip(row, widths)) * size * LINE
                    + 12 for row in df.itertuples(index=False)]
        if sum(heights) <= max_height / 12700:
            break
    shape = slide.shapes.add_table(len(df) + 1, len(df.columns), left, top, width, Emu(int(sum(heights) * 12700)))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Emu(int(w * 12700))
    for i, h in enumerate(heights):
        table.rows[i].height = Emu(int(h * 12700))
    for j, c in enumerate(df.columns):
        cell = table.cell(0, j)
        cell.text = ""
        run = cell.text_frame.paragraphs[0].add_run()
        run.text = str(c)
        _run_font(run, TABLE_HEAD_FONT, True)
    for i, row in enumerate(df.itertuples(index=False), 1):
        for j, v in enumerate(row):
            cell = table.cell(i, j)
            cell.text = ""
            for k, part in enumerate(str(v).split("\n")):
                para = cell.text_frame.paragraphs[0] if k == 0 else cell.text_frame.add_paragraph()
                run = para.add_run()
                run.text = part
                _run_font(run, size)


def to_pptx(report: Report, progress: Progress | None = None) -> bytes:
    step = progress or (lambda f, m: None)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    W, H = prs.slide_width, prs.slide_height
    s = prs.slides.add_slide(blank)
    _text(s, Inches(0.8), Inches(2.6), W - Inches(1.6), Inches(1.2), [report.title], 40, True, BLUE)
    _text(s, Inches(0.8), Inches(3.8), W - Inches(1.6), Inches(0.8), [report.subtitle, f"生成于 {settings.today():%Y-%m-%d}"], 20)
    if report.headline:                 # the first slide names the period's most serious incident
        _text(s, Inches(0.8), Inches(5.2), W - Inches(1.6), Inches(1.2), [report.headline], 18, True, RED)
    current = None
    for i, sl in enumerate(report.slides):
        step(i / max(1, len(report.slides)), f"生成第 {i + 1}/{len(report.slides)} 页…")
        if sl.section != current:
            current = sl.section
            sec = prs.slides.add_slide(blank)
            n = SECTIONS.index(current) + 1 if current in SECTIONS else ""
            _text(sec, Inches(0.8), Inches(3.0), W - Inches(1.6), Inches(1.2), [f"{n}  {current}"], 36, True, BLUE)
        s = prs.slides.add_slide(blank)
        _text(s, Inches(0.5), Inches(0.3), W - Inches(1), Inches(0.8), [sl.title], 28, True, BLUE)
        _text(s, Inches(0.5), H - Inches(0.45), W - Inches(1), Inches(0.3), [images.SOURCE_NOTE], 10, color=RGBColor(0x88, 0x88, 0x88))
        top = Inches(1.2)
        if sl.figure is not None:
            png = images.to_image(sl.figure, "png")
            bw = Inches(4.3) if sl.bullets else Emu(0)
            pic_w = W - Inches(1) - bw
            s.shapes.add_picture(io.BytesIO(png), Inches(0.5), top, width=pic_w)
            if sl.bullets:
                _text(s, Inches(0.5) + pic_w + Inches(0.2), top, bw - Inches(0.2), H - Inches(2), sl.bullets, 14, bullet=True)
        elif sl.table is not None:
            _table(s, sl.table, Inches(0.5), top, W - Inches(1), H - top - Inches(0.6))
        else:
            _text(s, Inches(0.7), top, W - Inches(1.4), H - Inches(2), sl.bullets, 20, bullet=True)
    buf = io.BytesIO()
    prs.save(buf)
    step(1.0, "完成")
    return buf.getvalue()


def to_html(report: Report) -> str:
    """Self-contained one-pager: plotly.js inlined once, charts interactive, text escaped."""
    parts = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(report.title)}</title>"
             "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:1100px;margin:24px auto;"
             "color:#1F2430}h1{color:#2F6FDE}h2{border-bottom:2px solid #2F6FDE;padding-bottom:4px}"
             "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px}</style></head><body>",
             f"<h1>{html.escape(report.title)}</h1><p>{html.escape(report.subtitle)}</p>"
             + (f"<p style='color:#C92A2A;font-weight:bold'>{html.escape(report.headline)}</p>" if report.headline else "")]
    first, current = True, None
    for sl in report.slides:
        if sl.section != current:
            current = sl.section
            parts.append(f"<h2>{html.escape(current)}</h2>")
        parts.append(f"<h3>{html.escape(sl.title)}</h3>")
        if sl.bullets:
            parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in sl.bullets) + "</ul>")
        if sl.figure is not None:
            parts.append(sl.figure.to_html(full_html=False, include_plotlyjs="inline" if first else False))
            first = False
        if sl.table is not None:
            parts.append(sl.table.to_html(index=False, escape=True))
    parts.append(f"<p style='color:#888'>{html.escape(images.SOURCE_NOTE)}</p></body></html>")
    return "".join(parts)
