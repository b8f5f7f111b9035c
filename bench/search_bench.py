"""Search benchmark: index synthetic documents, then time a fixed query mix.

Documents are generated from the public text in bench/data/ (Decision 04/2021/QĐ-UBND of
Khánh Hòa): subjects are its sentences, full texts are runs of its lines, so the
vocabulary is real Vietnamese and common words match most documents (a hard case).

    .venv/bin/python bench/search_bench.py                  # embedded backend, 100,000 documents
    .venv/bin/python bench/search_bench.py --backend embedded --backend elasticsearch   # both, one run
    .venv/bin/python bench/search_bench.py --engine fts5    # the SQLite FTS5 prototype it was chosen against

``--backend elasticsearch`` starts a node from scripts/elasticsearch (as the tests do, 1 GiB
heap) unless ``--elasticsearch-url`` names one. Its CPU columns count only this process (the
client), not the server's work.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas.models import Document, Dossier, DossierCode, Signer  # noqa: E402
from archive.access import Principal, can_read  # noqa: E402
from search.highlight import snippet  # noqa: E402
from search.query import Lookup, SearchQuery, query_words  # noqa: E402
from search.records import Record, records_for_dossier  # noqa: E402
from archive.text import exact, fold  # noqa: E402

DATA = Path(__file__).parent / "data"
AGENCIES = [f"000.00.{i:02d}.H{41 + i:02d}" for i in range(12)]
TYPES = [("Quyết định", "QĐ-UBND"), ("Công văn", "UBND-VP"), ("Kế hoạch", "KH-UBND"), ("Báo cáo", "BC-UBND"),
         ("Thông báo", "TB-UBND"), ("Tờ trình", "TTr-STC"), ("Hướng dẫn", "HD-SNV")]
RETENTION = ["Vĩnh viễn", "70 năm", "50 năm", "20 năm", "10 năm", "5 năm"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Đinh Văn Thiệu", "Hoàng Minh Đức"]
DOCS_PER_DOSSIER = 10


def corpus_lines() -> list[str]:
    return [ln.strip() for p in sorted(DATA.glob("*.txt")) for ln in p.read_text("utf-8").splitlines()
            if len(ln.strip()) > 20]


def synthetic_dossiers(documents: int, seed: int = 30):
    """(Dossier, texts) pairs holding ``documents`` documents in all."""
    rng = random.Random(seed)
    lines = corpus_lines()
    sentences = [s.strip() for ln in lines for s in re.split(r"[.;:]", ln) if 20 < len(s.strip()) < 300]
    for n in range(documents // DOCS_PER_DOSSIER):
        year = rng.randint(2005, 2024)
        start = date(year, 1, 1) + timedelta(days=rng.randint(0, 180))
        docs, texts = [], {}
        for i in range(1, DOCS_PER_DOSSIER + 1):
            type_name, notation = rng.choice(TYPES)
            docs.append(Document(
                direction=rng.choice(["incoming", "outgoing", "internal"]), DocOrdinal=i, TypeName=type_name,
                CodeNumber=str(rng.randint(1, 999)), CodeNotation=f"{year}/{notation}" if i % 3 == 0 else notation,
                IssuedDate=start + timedelta(days=i * 9), Subject=rng.choice(sentences),
                OrganName="Ủy ban nhân dân tỉnh Khánh Hòa", PageAmount=rng.randint(1, 30),
                SignerInfo=Signer(Position="Chủ tịch", FullName=rng.choice(NAMES))))
            texts[i] = "\n".join(rng.sample(lines, rng.randint(6, 20)))
        dossier = Dossier(
            FileCode=DossierCode(OrganId=AGENCIES[n % len(AGENCIES)], FileCatalog=year, FileNotation=f"{n:05d}.VP"),
            Title=f"Hồ sơ {rng.choice(sentences)[:200]}", Maintenance=rng.choice(RETENTION),
            Rights="Công khai" if rng.random() < 0.7 else "Hạn chế", Creator=rng.choice(NAMES), Language="vie",
            StartDate=start, EndDate=start + timedelta(days=DOCS_PER_DOSSIER * 9), Documents=docs)
        yield dossier, texts


def query_mix(sample_dossier_code: str) -> list[tuple[SearchQuery, Principal]]:
    researcher = Principal("reader", "researcher")
    archivist = Principal("an", "archivist", AGENCIES[3])
    auditor = Principal("audit", "auditor")
    q = SearchQuery
    return [
        (q(text="văn bản điện tử"), researcher),
        (q(text="van ban dien tu"), researcher),
        (q(text='"hồ sơ điện tử"'), researcher),
        (q(text="lưu trữ", type_name="Quyết định", year=2021), researcher),
        (q(text="chữ ký số", sort="date"), archivist),
        (q(text="trách nhiệm của cơ quan"), auditor),
        (q(text="04/2021/QĐ-UBND"), researcher),
        (q(text=sample_dossier_code), archivist),
        (q(text="hệ thống quản lý văn bản", page=5), researcher),
        (q(agency=AGENCIES[3], retention="Vĩnh viễn"), archivist),
        (q(text="bảo mật", rights="Hạn chế"), auditor),
        (q(text="gui nhan van ban"), researcher),
    ]


class Fts5Prototype:
    """The alternative measured against Tantivy: the same records, fields and access rule in
    SQLite FTS5 (exact + folded columns, bm25 with column weights, facets by GROUP BY)."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path / "fts5.db")
        self.db.executescript("""
            CREATE TABLE rec(id INTEGER PRIMARY KEY, kind, organ_id, type_name, maintenance, rights, direction,
                             year, day, dossier_code, source);
            CREATE VIRTUAL TABLE fts USING fts5(meta_exact, meta_folded, text_exact, text_folded,
                                                content='', tokenize='unicode61 remove_diacritics 0');""")

    def index(self, records: list[Record]) -> None:
        with self.db:
            for r in records:
                cur = self.db.execute(
                    "INSERT INTO rec(kind, organ_id, type_name, maintenance, rights, direction, year, day,"
                    " dossier_code, source) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (r.kind, r.organ_id, r.type_name, r.maintenance, r.rights, r.direction, r.year,
                     r.sort_date.toordinal() if r.sort_date else 0, r.dossier_code, r.model_dump_json()))
                meta = r.metadata_text()
                self.db.execute("INSERT INTO fts(rowid, meta_exact, meta_folded, text_exact, text_folded)"
                                " VALUES (?,?,?,?,?)", (cur.lastrowid, exact(meta), fold(meta), exact(r.text),
                                                        fold(r.text)))

    def search(self, query: SearchQuery, principal: Principal) -> None:
        parts = []
        for c in query.clauses:
            words = (c.phrase if isinstance(c, Lookup) else c).folded
            parts.append('{meta_folded text_folded} : "%s"' % " ".join(words))
        where, args = ["(rec.rights = 'Công khai' OR rec.organ_id = ?)"], [principal.organ_id or ""]
        for field, value in (("type_name", query.type_name), ("rights", query.rights),
                             ("maintenance", query.retention), ("organ_id", query.agency), ("year", query.year)):
            if value:
                where.append(f"rec.{field} = ?")
                args.append(value)
        source = "fts JOIN rec ON rec.id = fts.rowid" if parts else "rec"
        if parts:
            where.append("fts MATCH ?")
            args.append(" AND ".join(parts))
        cond = " AND ".join(where)
        order = "bm25(fts, 2.0, 2.0, 1.0, 1.0)" if parts and query.sort == "relevance" else "rec.day DESC"
        rows = self.db.execute(f"SELECT rec.source FROM {source} WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?",
                               [*args, query.per_page, query.offset]).fetchall()
        self.db.execute(f"SELECT count(*) FROM {source} WHERE {cond}", args).fetchone()
        for facet in ("organ_id", "type_name", "year", "maintenance", "rights", "direction", "kind"):
            self.db.execute(f"SELECT rec.{facet}, count(*) FROM {source} WHERE {cond} GROUP BY 1", args).fetchall()
        for (src,) in rows:
            r = Record.model_validate_json(src)
            if can_read(principal, rights=r.rights, organ_id=r.organ_id, dossier_code=r.dossier_code):
                snippet(r.text, query_words(query.clauses))

    def close(self) -> None:
        self.db.close()


def open_engine(engine: str, path: Path, elasticsearch_url: str | None = None):
    if engine == "fts5":
        return Fts5Prototype(path)
    if engine == "elasticsearch":
        from search.backends.elasticsearch import ElasticsearchIndex
        return ElasticsearchIndex(elasticsearch_url, index_name=f"luutru-bench-{os.getpid()}")
    from search.backends.embedded import EmbeddedIndex
    return EmbeddedIndex(path / "index")


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def run(engine: str, documents: int, repeats: int, batch: int, elasticsearch_url: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="luutru-search-bench-") as tmp:
        index = open_engine(engine, Path(tmp), elasticsearch_url)
        generated, indexed, indexing_seconds, indexing_cpu, pending, first_code = 0, 0, 0.0, 0.0, [], None
        for dossier, texts in synthetic_dossiers(documents):
            first_code = first_code or dossier.code
            pending.extend(records_for_dossier(dossier, texts))
            generated += len(dossier.Documents)
            if len(pending) >= batch or generated >= documents:
                t0, c0 = time.perf_counter(), time.process_time()
                index.index(pending)
                indexing_seconds += time.perf_counter() - t0
                indexing_cpu += time.process_time() - c0
                indexed += len(pending)
                pending = []
        latencies: list[float] = []
        cpu: list[float] = []      # CPU time of the process (all threads): the machine is shared, wall time varies
        mix = query_mix(first_code)
        for query, principal in mix:           # warm caches once, untimed
            index.search(query, principal)
        for _ in range(repeats):
            for query, principal in mix:
                t0, c0 = time.perf_counter(), time.process_time()
                index.search(query, principal)
                latencies.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
        if engine == "elasticsearch":
            index.drop()
        index.close()
        return {"engine": engine, "documents": generated, "records": indexed,
                "index_seconds": round(indexing_seconds, 1), "docs_per_second": round(generated / indexing_seconds),
                "records_per_second": round(indexed / indexing_seconds),
                "docs_per_cpu_second": round(generated / indexing_cpu), "queries": len(latencies),
                "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
                "max_ms": round(max(latencies), 1), "cpu_p50_ms": round(percentile(cpu, 50), 1),
                "cpu_p95_ms": round(percentile(cpu, 95), 1), "load_avg": round(os.getloadavg()[0], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", "--engine", dest="engines", action="append",
                        choices=["embedded", "elasticsearch", "fts5"], help="repeat to run several (default embedded)")
    parser.add_argument("--elasticsearch-url", help="a running server (default: start a node for the run)")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20, help="passes over the query mix")
    parser.add_argument("--batch", type=int, default=5_000, help="records per index() call")
    args = parser.parse_args()
    engines = args.engines or ["embedded"]
    node = None
    if "elasticsearch" in engines and not args.elasticsearch_url:
        from tests.services import ElasticsearchServer, find_elasticsearch
        home = find_elasticsearch()
        if home is None:
            sys.exit("Elasticsearch is not installed: bash scripts/elasticsearch/install.sh")
        node = ElasticsearchServer(home, heap="1g").start()
        args.elasticsearch_url = node.url
    try:
        for engine in engines:
            result = run(engine, args.documents, args.repeats, args.batch, args.elasticsearch_url)
            print(" ".join(f"{k}={v}" for k, v in result.items()), flush=True)
    finally:
        if node:
            node.stop()


if __name__ == "__main__":
    main()
