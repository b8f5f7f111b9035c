"""Every PDF/A copy LuuTru makes of the originals in samples/valid/ (Ghostscript,
LibreOffice and OCRmyPDF output, attachments included) passes the real veraPDF with no
failed rule, all judged in one veraPDF run."""
from __future__ import annotations

from pathlib import Path

from ingest.normalise import normalise, validate_pdfa_many

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "valid"


def test_every_sample_copy_passes_verapdf(verapdf, tmp_path):
    originals = sorted(SAMPLES.glob("*/files/*"))
    copies = []
    for original in originals:
        result = normalise(original, tmp_path / original.parent.parent.name / original.stem, validate=False)
        assert result.output, f"{original.name}: {result.reason}"
        copies.append(result.output)
    verdicts = validate_pdfa_many(copies)
    failed = {p.name: [r.rule_id for r in v.failed_rules] for p, v in verdicts.items()
              if not (v.compliant and v.complete) or v.failed_rules}
    assert failed == {}
    assert {v.validator for v in verdicts.values()} == {"veraPDF"} and len(verdicts) == len(originals) >= 15
