"""Rebuild ``samples/``: realistic valid dossiers and one invalid dossier per validator rule.

Run ``.venv/bin/python scripts/build_samples.py [OUT]`` (OUT defaults to ``samples/``).
Everything is derived from the public text in ``samples/sources/`` (Decision 04/2021/QĐ-UBND
of Khánh Hòa) with DejaVu fonts from the ``fonts-dejavu-core`` Debian package, fixed dates and
fixed seeds, so two runs give the same bytes. The one exception is the trust material and the
signed PDF: the sample CA and signer keys are generated afresh on each run (private keys are
not kept) and pyHanko stamps the current signing time (it has no option for a fixed one,
pyHanko issue #569), so ``trust/ca.pem`` and the signed PDF change together on a rebuild.

The pieces live in ``scripts/sample_dossiers/``; this file only puts them in place.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sample_dossiers.invalid import INVALID, base_dossier, write_invalid
from sample_dossiers.manifest import write_dossier
from sample_dossiers.readme import readme
from sample_dossiers.render import register_fonts
from sample_dossiers.signing import make_trust
from sample_dossiers.source import read_decision
from sample_dossiers.valid import valid_dossiers
from sample_dossiers.zips import zip_folder

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def build(out: Path = SAMPLES) -> None:
    register_fonts()
    dec = read_decision()
    trust = make_trust()
    for sub in ("valid", "invalid", "trust"):
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True)
    (out / "trust" / "ca.pem").write_bytes(trust.ca_pem)

    dossiers = valid_dossiers(dec)
    records = {}
    for d in dossiers:
        target = out / "valid" / d.folder
        records[d.folder] = write_dossier(d, target, trust)
        if d.zipped:
            zip_folder(target, target.with_suffix(".zip"))
            shutil.rmtree(target)

    base = out / "invalid" / ".base"
    record = write_dossier(base_dossier(dec), base, trust)
    for spec in INVALID:
        write_invalid(spec, base, record, out / "invalid" / spec.name, dec)
    shutil.rmtree(base)
    (out / "README.md").write_text(readme(dossiers, records), encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES)
