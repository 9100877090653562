"""Cached assessment shared by the ranking, profile and scheme pages (sources/channels do not apply)."""
from __future__ import annotations

import streamlit as st

from cx import scoring
from cx.filters import Filters


def scope(filters: Filters) -> Filters:
    """Rankings compare whole stores across the chain: the source/channel filters would blank out
    indicators, and a user's scope limits which rows are shown (scoring.visible), not who is compared."""
    return filters.with_(sources=(), channels=(), stores=(), scope_stores=None)


@st.cache_data(show_spinner="计算考核得分…", max_entries=32)
def assessments(_con, version: int, filters: Filters) -> tuple[scoring.Assessment, scoring.Assessment]:
    """This period's assessment and the previous equal period's (for rank movement), from one query."""
    return scoring.assess_pair(_con, scope(filters))


def assessment(_con, version: int, filters: Filters) -> scoring.Assessment:
    return assessments(_con, version, filters)[0]


@st.cache_data(show_spinner="计算排名与区间…", max_entries=32)
def ranking(_con, version: int, filters: Filters, overrides: tuple = ()) -> "scoring.pd.DataFrame":
    """The league with movement (the rank simulation is the slow part, so it is cached per weights)."""
    return scoring.rank_table(*assessments(_con, version, filters), dict(overrides) or None)


@st.cache_data(show_spinner="计算月度得分…", max_entries=32)
def monthly(_con, version: int, filters: Filters) -> dict:
    """One assessment per calendar month of the period (for trends), shared by every store's profile."""
    return scoring.assess_months(_con, scope(filters))


@st.cache_data(show_spinner=False, max_entries=32)
def touchpoint_rates(_con, version: int, filters: Filters):
    return scoring.touchpoint_rates(_con, scope(filters))
