"""Import profiles: how one tool's export looks (``data/import_profiles/*.yaml``, editable).

A profile names the header signature used to recognise the tool, the header rows, column → field, columns to
ignore, answer labels → scores, the scale and direction of each score column, the date order and time zone,
and whether record ids are global (platform review ids, ticket numbers) or per-questionnaire counters.

YAML keys (all optional except ``name``/``label``)::

    name: wjx_text                # file stem; [a-z0-9_]
    label: 问卷星（按选项文本）
    source: survey                # the source it is for (survey/service/review/opinion/kano); omit = any
    detect:                       # header signature: every header in `all`, at least one of `any`
      all: [序号, 提交答卷时间]
      any: [来自IP, 来源详情]
    header_rows: 1                # header lines; lines 2..N are descriptions (Qualtrics: 3), skipped and counted
    columns: {提交答卷时间: created_at, 序号: source_ref}   # header → field (exact, after normalising)
    ignore: [所用时间, 来源详情]   # headers never mapped;  ignore_suffix: [_NPS_GROUP]
    questions: true               # also map question texts by keywords ("2、您有多大可能…推荐…")
    dates: {order: auto|ymd|mdy|dmy, timezone: Asia/Shanghai}
    scores: {csat: {scale: satisfaction_1_5, labels: {非常满意: 5, …}}, ces: {scale: effort_1_5}}
    ids: global | counter         # counter: answer numbers 1…N of one questionnaire
    anonymous_ids: ["0"]          # customer ids meaning "not signed in" (stored as NULL)
    signature: [..]               # saved profiles: the normalised header list they were confirmed on

Validation errors are Chinese and name the file and key (:class:`ProfileError`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cx import settings, vocab
from cx.ingest import values
from cx.ingest.clean import fold_width

PROFILE_DIR = settings.config_file("import_profiles")     # shipped profiles (tracked)


def saved_dir() -> Path:
    """Where profiles saved from the mapping step live: ``$CX_PROFILE_DIR``, else ``<PROFILE_DIR>/saved``
    (not tracked by git). Both directories are loaded and used for detection."""
    env = settings.env("CX_PROFILE_DIR")
    return Path(env) if env else Path(PROFILE_DIR) / "saved"
FIELDS = ("source_ref", "store_id", "created_at", "channel", "customer_key", "segment", "nps", "csat", "ces",
          "rating", "text", "respondent", "feature", "functional", "dysfunctional")
SOURCES = vocab.SOURCES
NAME_RE = re.compile(r"^[a-z0-9_]{1,40}$")


class ProfileError(ValueError):
    """An invalid profile file or value; Chinese message naming the file and key."""


def norm_header(h: str) -> str:
    """Header comparison key: width-folded, lower case, no spaces/punctuation, question numbering removed."""
    s = fold_width(str(h)).replace("\ufeff", "").strip().lower()
    s = re.sub(r"^(?:q\s*\d+[a-z]?[.、:：\s]+|\d+[.、:：)）]\s*|[（(]\d+[)）]\s*|第\s*\d+\s*题[.、:：]?\s*)", "", s)
    return re.sub(r"[\s_\-（）()：:·.、？?！!，,。\"'“”‘’]+", "", s)


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    source: str | None = None
    detect_all: tuple[str, ...] = ()
    detect_any: tuple[str, ...] = ()
    header_rows: int = 1
    columns: dict = field(default_factory=dict)          # normalised header → field
    ignore: frozenset = frozenset()
    ignore_suffix: tuple[str, ...] = ()
    questions: bool = True
    date_order: str = "auto"
    timezone: str | None = None
    scores: dict = field(default_factory=dict)           # field → {scale, direction, labels}
    ids: str = "auto"
    anonymous_ids: tuple[str, ...] = ("0",)
    signature: tuple[str, ...] = ()
    path: str = ""

    def match_score(self, headers: list[str]) -> float:
        """How well ``headers`` fit this profile's signature: 0 = not at all; higher = more specific."""
        keys = {norm_header(h) for h in headers}
        if self.signature:
            sig = set(self.signature)
            return 100.0 + len(sig) if sig == keys else 0.0
        if not self.detect_all and not self.detect_any:
            return 0.0
        if any(norm_header(h) not in keys for h in self.detect_all):
            return 0.0
        hits_any = sum(1 for h in self.detect_any if norm_header(h) in keys)
        if self.detect_any and not hits_any:
            return 0.0
        return len(self.detect_all) + hits_any


def _err(path: Path, msg: str) -> ProfileError:
    return ProfileError(f"导入配置 {path.name}：{msg}")


def parse(doc: dict, path: Path) -> Profile:
    """Validate one profile document (already loaded YAML). Raises ProfileError."""
    if not isinstance(doc, dict):
        raise _err(path, "内容必须是键值对（YAML 映射）")
    name = str(doc.get("name") or path.stem)
    if not NAME_RE.match(name):
        raise _err(path, f"name“{name}”只能包含小写字母、数字和下划线")
    label = str(doc.get("label") or name)
    source = doc.get("source")
    if source is not None and source not in SOURCES:
        raise _err(path, f"source“{source}”无效，可选：{'、'.join(SOURCES)}")
    detect = doc.get("detect") or {}
    if not isinstance(detect, dict):
        raise _err(path, "detect 必须包含 all / any 列表")
    hr = doc.get("header_rows", 1)
    if not isinstance(hr, int) or not 1 <= hr <= 5:
        raise _err(path, f"header_rows 必须是 1–5 的整数（现为“{hr}”）")
    cols = doc.get("columns") or {}
    if not isinstance(cols, dict):
        raise _err(path, "columns 必须是“表头: 字段”的映射")
    for h, f in cols.items():
        if f not in FIELDS:
            raise _err(path, f"columns 中“{h}”对应的字段“{f}”无效，可选：{'、'.join(FIELDS)}")
    dates = doc.get("dates") or {}
    order = dates.get("order", "auto")
    if order not in ("auto", "ymd", "mdy", "dmy"):
        raise _err(path, f"dates.order“{order}”无效，可选：auto、ymd、mdy、dmy")
    tz = dates.get("timezone")
    if tz is not None:
        from zoneinfo import ZoneInfo
        try:
            ZoneInfo(str(tz))
        except Exception:
            raise _err(path, f"dates.timezone“{tz}”不是有效时区（示例：Asia/Shanghai、UTC）") from None
    scores = doc.get("scores") or {}
    if not isinstance(scores, dict):
        raise _err(path, "scores 必须是“字段: 设置”的映射")
    for f, sc in scores.items():
        if f not in values.SCORE_FIELDS:
            raise _err(path, f"scores 中的字段“{f}”无效，可选：{'、'.join(values.SCORE_FIELDS)}")
        if not isinstance(sc, dict):
            raise _err(path, f"scores.{f} 必须是映射（scale / direction / labels）")
        scale = sc.get("scale")
        if scale is not None and scale not in values.SCALE_LABELS:
            raise _err(path, f"scores.{f}.scale“{scale}”无效，可选：{'、'.join(values.SCALE_LABELS)}")
        if sc.get("direction") not in (None, "effort", "ease"):
            raise _err(path, f"scores.{f}.direction 只能是 effort 或 ease")
        labels = sc.get("labels")
        if labels is not None:
            if isinstance(labels, str):
                if labels not in values.LABEL_SCALES:
                    raise _err(path, f"scores.{f}.labels“{labels}”不是内置量表，可选：{'、'.join(values.LABEL_SCALES)}")
            elif not isinstance(labels, dict) or not all(isinstance(v, (int, float)) for v in labels.values()):
                raise _err(path, f"scores.{f}.labels 必须是“选项文字: 分数”的映射")
    ids = doc.get("ids", "auto")
    if ids not in ("auto", "global", "counter"):
        raise _err(path, f"ids“{ids}”无效，可选：auto、global、counter")
    return Profile(
        name=name, label=label, source=source,
        detect_all=tuple(str(x) for x in detect.get("all") or ()),
        detect_any=tuple(str(x) for x in detect.get("any") or ()),
        header_rows=hr, columns={norm_header(h): f for h, f in cols.items()},
        ignore=frozenset(norm_header(h) for h in doc.get("ignore") or ()),
        ignore_suffix=tuple(norm_header(s) for s in doc.get("ignore_suffix") or ()),
        questions=bool(doc.get("questions", True)), date_order=order, timezone=tz,
        scores={f: dict(sc) for f, sc in scores.items()}, ids=ids,
        anonymous_ids=tuple(str(x) for x in doc.get("anonymous_ids", ["0"])),
        signature=tuple(doc.get("signature") or ()), path=str(path),
    )


@functools.cache
def _load_dir(directories: tuple[str, ...], stamp: tuple) -> dict[str, Profile]:
    out = {}
    for f in [f for d in directories for f in sorted(Path(d).glob("*.yaml"))]:
        try:
            doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            raise _err(f, f"YAML 格式错误：{str(e).splitlines()[0]}") from None
        p = parse(doc, f)
        if p.name in out:
            raise _err(f, f"name“{p.name}”与 {Path(out[p.name].path).name} 重复")
        out[p.name] = p
    if "generic" not in out:
        out["generic"] = Profile("generic", "通用（按列名识别）")
    return out


def load_all(directory: Path | None = None) -> dict[str, Profile]:
    """Every profile by name: the shipped ones and the saved ones (re-read when a file changes); with
    ``directory``, only that directory. Raises ProfileError for an invalid file."""
    dirs = [Path(directory)] if directory else [Path(PROFILE_DIR), saved_dir()]
    stamp = tuple((str(f), f.stat().st_mtime_ns) for d in dirs if d.exists() for f in sorted(d.glob("*.yaml")))
    return _load_dir(tuple(str(d) for d in dirs), stamp)


def get(name: str, directory: Path | None = None) -> Profile:
    profiles = load_all(directory)
    if name not in profiles:
        raise ProfileError(f"没有名为“{name}”的导入配置，可选：{'、'.join(sorted(profiles))}")
    return profiles[name]


def detect(headers: list[str], source: str | None = None, directory: Path | None = None) -> Profile:
    """The best-matching profile for a header row (saved signatures first), else ``generic``."""
    best, best_score = None, 0.0
    for p in load_all(directory).values():
        if source and p.source and p.source != source:
            continue
        s = p.match_score(headers)
        if s > best_score:
            best, best_score = p, s
    return best or get("generic", directory)


def save(name: str, label: str, source: str, headers: list[str], mapping: dict, directory: Path | None = None) -> Path:
    """Write a confirmed mapping as a profile remembered by its header signature. Returns the file path.

    ``mapping``: {"columns": {header: field}, "dates": {...}, "scores": {...}, "ids": ..., "header_rows": n}.
    Raises ProfileError for an invalid name or content (nothing written then)."""
    if not NAME_RE.match(name or ""):
        raise ProfileError(f"配置名称“{name}”只能包含小写字母、数字和下划线（例如 my_wjx）")
    d = Path(directory or saved_dir())
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ProfileError(f"无法创建保存导入配置的文件夹 {d}：{e.strerror or e}（可用 CX_PROFILE_DIR 指向服务账号可写的文件夹）") from None
    path = d / f"{name}.yaml"
    doc = {"name": name, "label": label or name, "source": source,
           "signature": sorted({norm_header(h) for h in headers if str(h).strip()}),
           "header_rows": int(mapping.get("header_rows", 1)),
           "columns": {h: f for h, f in mapping.get("columns", {}).items()},
           "questions": False}
    for k in ("dates", "scores", "ids", "ignore"):
        if mapping.get(k):
            doc[k] = mapping[k]
    parse(doc, path)   # validate before writing
    try:
        path.write_text("# 由数据导入页面保存的导入配置（按表头签名自动识别）\n"
                        + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    except OSError as e:
        raise ProfileError(f"无法写入 {path}：{e.strerror or e}（可用 CX_PROFILE_DIR 指向服务账号可写的文件夹）") from None
    return path
