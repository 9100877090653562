"""The 「重大事件」 band: incidents (cx/incidents.py) in the filter period, most severe first, with evidence."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from cx import incidents, vocab
from ui import fmt, verbatims


@st.cache_data(show_spinner=False, max_entries=64)
def _listing(_con, version, filters) -> pd.DataFrame:
    return incidents.listing(_con, filters)


def band(ctx, store: str | None = None, limit: int = 5, quiet: bool = False) -> pd.DataFrame:
    """Draw the band for the page's filters (and one store, if given); returns the incidents shown."""
    df = _listing(ctx.con, ctx.version, ctx.filters)
    if store is not None:
        df = df[df["store_id"] == store]
    if df.empty:
        if not quiet:
            st.caption("重大事件：本期未检测到。" + incidents.method_note())
        return df
    with st.container(border=True):
        # no material icon inside markdown: its ligature name ("warning") is text for screen readers and scrapers
        st.markdown(f"**:red[重大事件]**　本期 {len(df)} 起（按严重程度与是否进行中排序）")
        for _, r in df.head(limit).iterrows():
            sev = incidents.SEVERITY_LABELS.get(r["severity"], r["severity"])
            line = f"【{sev}·{vocab.incident_state_label(r['status'])}】{incidents.describe(r)}；{r['region']}·{r['city']}"
            with st.expander(line, icon=":material/report:" if r["severity"] == "high" else ":material/info:"):
                st.caption(f"最显著窗口：截至 {r['peak_end']:%Y-%m-%d} 的 {int(r['peak_window_days'])} 天内 "
                           f"{int(r['peak_observed'])} 条，预期 {r['peak_expected']:.1f} 条，{fmt.p_value(r['p_value'])}"
                           f"（BH 校正后 {fmt.p_value(r['q_value']).replace('p', 'q', 1)}）。首次发出预警：{r['first_flagged']:%Y-%m-%d}。")
                ev = incidents.evidence(ctx.con, r)
                tk = incidents.tickets(ctx.con, r)
                st.caption("工单：" + ("、".join(vocab.ticket_state_label(t.status) + (f"（工单号 {t.ticket_no}）" if t.ticket_no else "")
                                               for t in tk.itertuples()) or "尚未生成"))
                for t in ev.itertuples(index=False):
                    if isinstance(t.text, str):
                        st.markdown(f"- {t.created_at:%m-%d %H:%M} {verbatims.escape(t.text)}")
        if len(df) > limit:
            st.caption(f"另有 {len(df) - limit} 起未展开。")
        st.caption(incidents.method_note())
    return df


def spikes(ctx) -> pd.DataFrame:
    """Incidents in the filter period, for 新兴问题 (volume spikes next to rate rises)."""
    return _listing(ctx.con, ctx.version, ctx.filters)
