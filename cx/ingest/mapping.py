"""Map a file's headers (Chinese or English, any width/case, question texts) onto the schema's fields.

Order of evidence, strongest first: an explicit choice (mapping step, ``overrides``), the profile's
``columns``, the aliases of ``data/ingest_mapping.yaml`` (exact after normalising), then — for survey tools
that put the question text in the header — keywords in the question text ("2、您有多大可能向朋友推荐本店？"
→ NPS). Duplicate column names are never resolved by position: they need an explicit choice.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cx import settings, vocab
from cx.ingest.profiles import Profile, norm_header

MAPPING_FILE = settings.config_file("ingest_mapping.yaml")
SOURCES = vocab.SOURCES
SOURCE_LABELS = vocab.SOURCE_LABELS

# Keywords in question texts, checked in this order; `not` words veto a header for that field.
QUESTION_RULES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("store_id", ("门店编号", "门店代码", "门店编码", "门店id", "店铺编号", "门店号", "店号", "storecode", "storeid"), ("名称", "name")),
    ("created_at", ("提交答卷时间", "提交时间", "答题时间", "填写时间", "评价时间", "反馈时间", "创建时间", "recordeddate",
                    "submittime", "submitted", "timestamp", "时间", "日期", "date"), ("所用时间", "用时", "时长", "duration", "开始", "start", "生日")),
    ("nps", ("推荐", "nps", "recommend"), ("group", "原因", "为什么", "why")),
    ("ces", ("费力", "省力", "容易", "便利", "方便程度", "effort", "ces"), ("原因", "为什么")),
    ("csat", ("满意", "csat", "satisf"), ("原因", "为什么", "不满意的地方", "哪些方面")),
    ("rating", ("评分", "星级", "打分", "rating", "stars"), ()),
    ("text", ("意见", "建议", "评价内容", "留言", "反馈", "评论", "想说", "原因", "comment", "feedback", "内容"), ()),
    ("customer_key", ("手机", "会员号", "会员id", "用户id", "顾客id", "customerid", "phone", "email", "邮箱"), ()),
    ("channel", ("渠道", "平台", "channel"), ()),
]
PREFER = ("整体", "总体", "综合", "总", "overall")


class MappingError(ValueError):
    """Headers that do not satisfy the source's required fields, or need an explicit choice; Chinese message."""


@dataclass(frozen=True)
class SourceSpec:
    required: tuple[str, ...]
    any_of: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.any_of + self.optional


@dataclass
class Resolution:
    """Result of :func:`propose`: field → header chosen, how each was chosen, and what is left to decide."""
    columns: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)          # field → 指定/配置/列名/题目关键词
    ignored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@functools.cache
def load(path: Path = MAPPING_FILE) -> tuple[dict[str, dict], dict[str, SourceSpec]]:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    fields = doc["fields"]
    specs = {
        name: SourceSpec(tuple(s.get("required", [])), tuple(s.get("any_of", [])), tuple(s.get("optional", [])))
        for name, s in doc["sources"].items()
    }
    return fields, specs


def label(field: str) -> str:
    fields, _ = load()
    return fields.get(field, {}).get("label", field)


def spec(source: str) -> SourceSpec:
    _, specs = load()
    if source not in specs:
        raise MappingError(f"未知的数据来源“{source}”，可选：{'、'.join(SOURCES)}")
    return specs[source]


def _alias_index() -> dict[str, str]:
    fields, _ = load()
    idx: dict[str, str] = {}
    for f, d in fields.items():
        lab = d.get("label", "")
        # the Chinese label (also the template's header) is always accepted, with and without its "(NPS)" part
        for a in [f] + list(d.get("aliases", [])) + [lab, lab.split("(")[0]]:
            if a:
                idx.setdefault(norm_header(a), f)
    return idx


def propose(headers: list[str], source: str, profile: Profile | None = None,
            overrides: dict[str, str | None] | None = None, raw_headers: list[str] | None = None) -> Resolution:
    """Propose field → header for ``headers`` (display names, unique) of a ``source`` file.

    Never raises for missing fields: problems are listed in ``Resolution.problems`` (Chinese) so the mapping
    step can show them; :func:`resolve` raises them.
    """
    sp = spec(source)
    wanted = set(sp.fields)
    res = Resolution()
    alias = _alias_index()
    keys = [norm_header(h) for h in (raw_headers or headers)]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    free = []
    for h, k in zip(headers, keys):
        if profile and (k in profile.ignore or any(k.endswith(s) for s in profile.ignore_suffix if s)):
            res.ignored.append(h)
        else:
            free.append((h, k))
    taken: set[str] = set()

    def take(f: str, h: str, how: str) -> None:
        res.columns[f] = h
        res.how[f] = how
        taken.add(h)

    dup_fields: dict[str, list[str]] = {}
    for stage, table in (("配置", profile.columns if profile else {}), ("列名", alias)):
        for h, k in free:
            f = table.get(k)
            if f is None or f not in wanted or h in taken:
                continue
            if counts[k] > 1:
                dup_fields.setdefault(f, []).append(h)
                continue
            if f not in res.columns:
                take(f, h, stage)
            elif res.how.get(f) == stage and f != "created_at":
                res.notes.append(f"“{h}”也可作为{label(f)}，已使用“{res.columns[f]}”")
    if profile is None or profile.questions:
        for f, words, veto in QUESTION_RULES:
            if f not in wanted or f in res.columns or f in dup_fields:
                continue
            cands = [(h, k) for h, k in free if h not in taken and counts[k] == 1
                     and any(w in k for w in words) and not any(v in k for v in veto)]
            if not cands:
                continue
            pref = [c for c in cands if any(p in c[1] for p in PREFER)]
            pick = (pref or cands)[0]
            take(f, pick[0], "题目关键词")
            others = [h for h, _ in cands if h != pick[0]]
            if others:
                res.notes.append(f"有多列可作为{label(f)}：使用“{pick[0]}”，未使用“{'”“'.join(others[:3])}”（可在映射中更改）")
    for f, h in (overrides or {}).items():
        if f not in wanted:
            res.problems.append(f"字段“{f}”不适用于{SOURCE_LABELS.get(source, source)}")
            continue
        if h in (None, ""):
            res.columns.pop(f, None)
            res.how.pop(f, None)
            continue
        if h not in headers:
            res.problems.append(f"映射指定的列“{h}”不在文件中")
            continue
        for other, oh in list(res.columns.items()):
            if oh == h and other != f:
                res.columns.pop(other)
                res.how.pop(other, None)
        take(f, h, "指定")
    pending = {f for f in dup_fields if f not in res.columns}
    for f in sorted(pending):
        hs = dup_fields[f]
        res.problems.append(f"列名“{hs[0].rsplit(' (', 1)[0]}”出现了 {len(hs)} 次（{'、'.join(hs)}），无法自动判断哪一列是"
                            f"{label(f)}：请在映射步骤中选择（命令行：--column {f}=列名）")
    # a field whose column is only ambiguous is not also "missing"
    res.problems.extend(_missing({**res.columns, **{f: "" for f in pending}}, source, headers))
    return res


def _missing(found: dict[str, str], source: str, headers: list[str]) -> list[str]:
    sp = spec(source)
    problems = [f"缺少“{label(f)}”列（可用列名：{_examples(f)}）" for f in sp.required if f not in found]
    if sp.any_of and not any(f in found for f in sp.any_of):
        problems.append(f"至少需要以下一列：{'、'.join(label(f) for f in sp.any_of)}")
    return problems


def resolve(headers: list[str], source: str, profile: Profile | None = None,
            overrides: dict[str, str | None] | None = None, raw_headers: list[str] | None = None) -> dict[str, str]:
    """Return {field: header}. Raises MappingError naming every problem (missing fields with their Chinese
    labels and accepted headers, duplicate column names that need an explicit choice)."""
    res = propose(headers, source, profile, overrides, raw_headers)
    if res.problems:
        got = "、".join(h for h in headers[:30] if h) or "（无表头）"
        raise MappingError(f"{SOURCE_LABELS.get(source, source)}文件的列不完整：" + "；".join(res.problems)
                           + f"。文件中的列：{got}")
    return res.columns


def _examples(field: str) -> str:
    fields, _ = load()
    aliases = fields.get(field, {}).get("aliases", [])
    return "、".join([field] + aliases[:3])
