"""Building blocks of ``scripts/build_samples.py``: the sample dossiers of ``samples/``.

source (the public decision text) → documents (what each document says) → render (PDF, DOCX,
ODT, scanned PNG/TIFF), signing (sample PKI, signed PDF) → manifest (hoso.xml / hoso.json) →
valid (the realistic dossiers) and invalid (one mutation per validator rule, with legacy
encodings from legacy) → readme (the table of samples/README.md).
"""
