"""Validate PDF/A, and honour the verdict.

Every preservation copy of the dossier is validated in one veraPDF run when veraPDF is
configured (otherwise by the pikepdf fallback checker, whose report says it is not
veraPDF). A copy that fails, or whose check was incomplete, is converted again with the
next strategy (ingest.normalise.RETRY_STRATEGIES) into a new file, and the new copies are
validated together again. A copy that no strategy makes compliant keeps its best attempt
but is not labelled PDF/A (see steps/package.py), and the dossier needs attention.

Each round is saved before the next, so a step re-run after a crash continues from the
attempts recorded (every attempt writes its own file).
"""
from __future__ import annotations

from ingest import normalise as preservation
from ingest.job import IngestJob, event
from ingest.pdfa_check import PdfaValidation
from ingest.steps.identify import identification

RESULT = "validate_pdfa"


def copies(job: IngestJob) -> dict[str, dict]:
    """The preservation copy kept for each converted original: {copy key ("4", "4.2"): attempt, with its verdict}."""
    return job.result(RESULT)["copies"]


def passes(v: PdfaValidation) -> bool:
    """Compliant, and nothing left unjudged: an incomplete check is never a pass."""
    return v.compliant and v.complete


def run(job: IngestJob) -> None:
    documents = job.result("normalise")["documents"]
    state = job.result(RESULT) if job.result_path(RESULT).exists() else {"attempts": {}, "events": []}
    attempts, events = state["attempts"], state["events"]
    for ordinal, doc in documents.items():
        if doc["output"] and ordinal not in attempts:
            attempts[ordinal] = [{"strategy": "first", "output": doc["output"], "tool": doc["tool"],
                                  "tool_version": doc["tool_version"], "page_count": doc["page_count"]}]
    while pending := {o: tries[-1] for o, tries in attempts.items() if "compliant" not in tries[-1]}:
        verdicts = preservation.validate_pdfa_many([job.workdir / a["output"] for a in pending.values()])
        for ordinal, attempt in pending.items():
            v = verdicts[job.workdir / attempt["output"]]
            attempt.update(_verdict(v))
            events.append({**event("validation", tool=v.validator, tool_version=v.validator_version,
                                    outcome="success" if passes(v) else "failure",
                                    detail=copy_check_detail(ordinal, v)),
                           "copy": ordinal})
            if not passes(v):
                _next_attempt(job, documents[ordinal], attempts[ordinal], events, ordinal)
        job.save(RESULT, {"attempts": attempts, "events": events})  # one round at a time
    copies = {ordinal: _chosen(tries) for ordinal, tries in attempts.items()}
    job.save(RESULT, {"attempts": attempts, "events": events, "copies": copies,
                      "needs_attention": sorted((o for o, c in copies.items() if not c["compliant"]), key=_order)})


def _next_attempt(job: IngestJob, doc: dict, tries: list[dict], events: list, ordinal: str) -> None:
    """Convert once more with the first strategy not tried yet; nothing if none is left."""
    mime = identification(job, doc["source"]).mime_type
    tried = {a["strategy"] for a in tries}
    for strategy in (s for s in preservation.retry_strategies(mime) if s not in tried):
        output = job.workdir / tries[0]["output"]
        output = output.with_name(f"{output.name.removesuffix('.pdf')}.{strategy}.pdf")
        try:
            result = preservation.reconvert(job.submission_dir / doc["source"], job.workdir / tries[0]["output"],
                                            output, strategy, mime=mime)
        except Exception as exc:  # noqa: BLE001 - a strategy that fails is recorded, the next one tried
            tries.append({"strategy": strategy, "output": None, "compliant": False, "complete": False,
                          "failed_rules": [], "note": f"{type(exc).__name__}: {exc}"[:500]})
            events.append({**event("migration", outcome="failure", tool=strategy, detail=tries[-1]["note"]),
                           "copy": ordinal})
            continue
        tries.append({"strategy": strategy, "output": str(output.relative_to(job.workdir)), "tool": result.tool,
                      "tool_version": result.tool_version, "page_count": result.page_count})
        events.append({**event("migration", tool=result.tool, tool_version=result.tool_version,
                               detail=f"{doc['source']} → PDF/A, lần chuyển đổi lại ({strategy}) sau khi bản trước "
                                      "không đạt kiểm tra PDF/A"), "copy": ordinal})
        return


def _verdict(v: PdfaValidation) -> dict:
    return {"validator": v.validator, "validator_version": v.validator_version, "flavour": v.flavour,
            "compliant": passes(v), "complete": v.complete, "note": v.note,
            "failed_rules": [r.rule_id for r in v.failed_rules]}


def _order(key: str) -> tuple[int, ...]:
    return tuple(int(part) for part in key.split("."))


def copy_check_detail(key: str, v: PdfaValidation) -> str:
    """The event detail that archive.catalog.copies reads back: copy ("4", or "4.2" for document
    4's second original), level, profile, outcome."""
    failed = ", ".join(r.rule_id for r in v.failed_rules)
    outcome = "hợp lệ" if passes(v) else ("quy tắc không đạt: " + failed if failed else "kiểm tra chưa đầy đủ")
    return f"văn bản {key} | PDF/A-{v.flavour} | {v.note or '-'} | {outcome}"


def _chosen(tries: list[dict]) -> dict:
    """The first compliant attempt; otherwise the made copy with the fewest failed rules."""
    made = [a for a in tries if a.get("output")]
    best = next((a for a in made if a["compliant"]), None) or min(made, key=lambda a: len(a["failed_rules"]))
    return {**best, "attempts": len(tries)}
