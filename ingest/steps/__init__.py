"""The ingest steps, in order. Each module has ``run(job)``; reading this list tells the
whole story of how a submission becomes an archived, verified, searchable package."""
from ingest.steps import (checksum, identify, index, normalise, ocr_after, package, receive, store, validate,
                          validate_pdfa, verify)

STEPS = {
    "receive": receive.run,              # copy the submission in, unpacked and safe
    "validate": validate.run,            # Appendix VI metadata rules; refuse with every error
    "identify": identify.run,            # PRONOM format of every file
    "normalise": normalise.run,          # PDF/A preservation copies (OCR for scans)
    "validate_pdfa": validate_pdfa.run,  # veraPDF or the fallback checker
    "checksum": checksum.run,            # SHA-256 of every original and copy
    "package": package.run,              # E-ARK CSIP package, checked by eark-validator
    "store": store.run,                  # write-once objects in the store
    "verify": verify.run,                # read back, compare checksums, record in the catalog
    "index": index.run,                  # metadata and full text for search
    "ocr": ocr_after.run,                # LUUTRU_OCR_MODE=after: scans OCR'd, stored as the next version
}
STEP_NAMES = list(STEPS)
