"""The journey taxonomy (data/taxonomy.yaml): stages → touchpoints → keywords, validated with Chinese errors."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cx import settings

TAXONOMY_FILE = settings.config_file("taxonomy.yaml")


def _cached_hash(obj, fields: tuple) -> int:
    """Hash once per object: taxonomies and touchpoints key the matcher caches on the per-text hot path,
    and re-hashing every keyword tuple cost ~15 % of text analysis."""
    h = obj.__dict__.get("_hash")
    if h is None:
        h = hash(fields)
        object.__setattr__(obj, "_hash", h)
    return h


class TaxonomyError(ValueError):
    """The taxonomy file is unusable; the message says where and why, in Chinese."""


@dataclass(frozen=True)
class Touchpoint:
    id: str
    label: str
    stage: str
    stage_label: str
    keywords: tuple[str, ...]
    regex: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    cues_pos: tuple[str, ...] = ()
    cues_neg: tuple[str, ...] = ()
    # (scope "near" = this or the previous clause | "text", trigger words, words that keep the match here,
    #  touchpoint to move the match to): generic words read by what the review is about (等了 in a
    #  delivery review is the delivery wait, next to 等位 it is the wait for a table)
    context: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = ()

    def __hash__(self) -> int:
        return _cached_hash(self, (self.id, self.keywords, self.regex, self.exclude, self.cues_pos, self.cues_neg,
                                   self.context))


@dataclass(frozen=True)
class Taxonomy:
    stages: tuple[tuple[str, str], ...]                # (id, label) in journey order
    touchpoints: tuple[Touchpoint, ...]                 # in journey order
    ignore: tuple[str, ...] = ()                         # regexes of boilerplate spans (no mentions there)
    moderate: tuple[str, ...] = ()                       # moderate judgements (还行, 一般): a clause with no
                                                         # other sentiment word is neutral for its touchpoint
    concede: tuple[str, ...] = ()                        # concessions (可以接受, 也值): right after a complaint
                                                         # (「有点小贵，但是可以接受」) they make it neutral
    by_id: dict[str, Touchpoint] = field(hash=False, compare=False, default_factory=dict)

    def __hash__(self) -> int:
        return _cached_hash(self, (self.stages, self.touchpoints, self.ignore, self.moderate, self.concede))

    def label(self, tp_id: str) -> str:
        return self.by_id[tp_id].label if tp_id in self.by_id else tp_id

    def stage_label(self, stage_id: str) -> str:
        return dict(self.stages).get(stage_id, stage_id)


def parse(doc: object, where: str = "taxonomy.yaml") -> Taxonomy:
    """Validate a loaded YAML document; every problem names its place in the file."""
    if not isinstance(doc, dict) or not isinstance(doc.get("stages"), list) or not doc["stages"]:
        raise TaxonomyError(f"{where}：缺少 stages 列表（应为：旅程阶段 → 触点 → 关键词）")
    stages, tps, seen = [], [], set()
    for i, s in enumerate(doc["stages"], 1):
        if not isinstance(s, dict) or not s.get("id") or not s.get("label"):
            raise TaxonomyError(f"{where}：第 {i} 个阶段缺少 id 或 label")
        if not isinstance(s.get("touchpoints"), list) or not s["touchpoints"]:
            raise TaxonomyError(f"{where}：阶段“{s['label']}”没有任何触点")
        stages.append((str(s["id"]), str(s["label"])))
        for j, t in enumerate(s["touchpoints"], 1):
            place = f"阶段“{s['label']}”的第 {j} 个触点"
            if not isinstance(t, dict) or not t.get("id") or not t.get("label"):
                raise TaxonomyError(f"{where}：{place}缺少 id 或 label")
            if not re.fullmatch(r"[a-z][a-z0-9_]*", str(t["id"])):
                raise TaxonomyError(f"{where}：{place}的 id“{t['id']}”只能使用小写英文字母、数字和下划线")
            if t["id"] in seen:
                raise TaxonomyError(f"{where}：触点 id“{t['id']}”重复")
            seen.add(t["id"])
            kws = t.get("keywords") or []
            if not isinstance(kws, list) or not kws or not all(isinstance(k, str) and k.strip() for k in kws):
                raise TaxonomyError(f"{where}：触点“{t['label']}”的 keywords 必须是非空的词语列表")
            for rx in t.get("regex") or []:
                try:
                    re.compile(rx)
                except re.error as e:
                    raise TaxonomyError(f"{where}：触点“{t['label']}”的正则表达式无效“{rx}”：{e}") from None
            cues = t.get("cues") or {}
            context = []
            for k, c in enumerate(t.get("context") or [], 1):
                if (not isinstance(c, dict) or c.get("scope", "near") not in ("near", "text") or not c.get("to")
                        or not isinstance(c.get("when"), list) or not c["when"]):
                    raise TaxonomyError(f"{where}：触点“{t['label']}”的第 {k} 条 context 规则需要 when（词语列表）、"
                                        f"to（目标触点 id），scope 只能是 near 或 text")
                context.append((str(c.get("scope", "near")), tuple(map(str, c["when"])),
                                tuple(map(str, c.get("unless") or ())), str(c["to"])))
            tps.append(Touchpoint(
                id=str(t["id"]), label=str(t["label"]), stage=str(s["id"]), stage_label=str(s["label"]),
                keywords=tuple(k.strip() for k in kws), regex=tuple(t.get("regex") or ()),
                exclude=tuple(t.get("exclude") or ()), cues_pos=tuple(cues.get("pos") or ()),
                cues_neg=tuple(cues.get("neg") or ()), context=tuple(context)))
    ignore = doc.get("ignore") or []
    for rx in ignore:
        try:
            re.compile(rx)
        except re.error as e:
            raise TaxonomyError(f"{where}：ignore 中的正则表达式无效“{rx}”：{e}") from None
    for t in tps:
        for _, _, _, to in t.context:
            if to not in seen:
                raise TaxonomyError(f"{where}：触点“{t.label}”的 context 规则指向不存在的触点“{to}”")
    moderate = doc.get("moderate") or []
    if not isinstance(moderate, list) or not all(isinstance(w, str) and w.strip() for w in moderate):
        raise TaxonomyError(f"{where}：moderate 必须是词语列表（如 还行、一般）")
    concede = doc.get("concede") or []
    if not isinstance(concede, list) or not all(isinstance(w, str) and w.strip() for w in concede):
        raise TaxonomyError(f"{where}：concede 必须是词语列表（如 可以接受、也值）")
    tax = Taxonomy(tuple(stages), tuple(tps), tuple(ignore), tuple(w.strip() for w in moderate),
                   tuple(w.strip() for w in concede))
    tax.by_id.update({t.id: t for t in tps})
    return tax


def load(path: Path | str = TAXONOMY_FILE) -> Taxonomy:
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"找不到旅程分类文件：{path}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise TaxonomyError(f"{Path(path).name} 不是有效的 YAML{at}：{getattr(e, 'problem', e)}") from None
    return parse(doc, Path(path).name)


@functools.cache
def default() -> Taxonomy:
    return load()
