"""The source text: Decision 04/2021/QĐ-UBND of Khánh Hòa and the Regulation it issues."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "samples" / "sources" / "qd-04-2021-qd-ubnd-khanh-hoa.txt"


@dataclass
class Decision:
    preamble: list[str]                 # "Căn cứ …" lines
    articles: list[str]                 # the decision's own Điều 1–3
    regulation: list[tuple[str, list[str]]]   # (article heading, its paragraphs)

    def article(self, number: int) -> tuple[str, list[str]]:
        return next(a for a in self.regulation if a[0].startswith(f"Điều {number}."))


def read_decision(path: Path = SOURCE) -> Decision:
    """Parse the web copy: its last full copy starts at the final "QUYẾT ĐỊNH:" block."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    start = max(i for i, ln in enumerate(lines) if ln == "QUYẾT ĐỊNH:")
    head = lines[:start]
    first_basis = max(i for i, ln in enumerate(head) if ln.startswith("Căn cứ Luật tổ chức"))
    preamble = [ln for ln in head[first_basis:] if ln.startswith(("Căn cứ", "Theo đề nghị"))]
    body_end = next(i for i in range(start, len(lines)) if lines[i].startswith("Nơi nhận"))
    articles = lines[start + 1:body_end]
    reg_start = next(i for i in range(body_end, len(lines)) if lines[i].startswith("Điều 1."))
    regulation: list[tuple[str, list[str]]] = []
    for ln in lines[reg_start:]:
        if re.match(r"Điều \d+\.", ln):
            regulation.append((ln, []))
        elif ln and not ln.isupper():       # upper-case lines are chapter titles of the web copy
            regulation[-1][1].append(ln)
    return Decision(preamble, articles, regulation)
