"""Map a file's headers (Chinese or English, any width/case) onto the schema's field names."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from cx.db import ROOT
from cx.ingest.clean import fold_width

MAPPING_FILE = ROOT / "data" / "ingest_mapping.yaml"
SOURCES = ("survey", "service", "review", "opinion", "kano")
SOURCE_LABELS = {"survey": "问卷", "service": "客服记录", "review": "线上评价", "opinion": "舆情", "kano": "KANO 问卷"}


class MappingError(ValueError):
    """Headers that do not satisfy the source's required fields; the message lists what is missing."""


@dataclass(frozen=True)
class SourceSpec:
    required: tuple[str, ...]
    any_of: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.any_of + self.optional


def _norm(header: str) -> str:
    h = fold_width(str(header)).strip().lower()
    return re.sub(r"[\s_\-（）()：:·.]+", "", h)


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


def resolve(headers: list[str], source: str) -> dict[str, str]:
    """Return {field: header} for the source's fields found in ``headers``.

    Raises MappingError naming every missing required field with its Chinese label and accepted headers.
    """
    fields, _ = load()
    sp = spec(source)
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(_norm(h), h)
    found: dict[str, str] = {}
    taken: set[str] = set()
    for field in sp.fields:
        candidates = [field] + list(fields.get(field, {}).get("aliases", []))
        for c in candidates:
            h = by_norm.get(_norm(c))
            if h is not None and h not in taken:
                found[field] = h
                taken.add(h)
                break
    missing = [f for f in sp.required if f not in found]
    problems = [f"缺少“{label(f)}”列（可用列名：{_examples(f)}）" for f in missing]
    if sp.any_of and not any(f in found for f in sp.any_of):
        names = "、".join(label(f) for f in sp.any_of)
        problems.append(f"至少需要以下一列：{names}")
    if problems:
        got = "、".join(headers[:30]) or "（无表头）"
        raise MappingError(f"{SOURCE_LABELS.get(source, source)}文件的列不完整：" + "；".join(problems) + f"。文件中的列：{got}")
    return found


def _examples(field: str) -> str:
    fields, _ = load()
    aliases = fields.get(field, {}).get("aliases", [])
    return "、".join([field] + aliases[:3])
