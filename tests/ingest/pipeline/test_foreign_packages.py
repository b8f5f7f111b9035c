"""A BagIt bag goes through the whole ingest: its data/ is the dossier, and its bag-info fields
end up in the archival package's PREMIS, where they stay with the dossier."""
from __future__ import annotations

import shutil

import bagit
import pytest
from lxml import etree

from archive.storage import open_store
from ingest import pipeline
from tests.fixtures.archives import SAMPLES


@pytest.mark.slow   # ingests a dossier
def test_bag_is_archived_with_its_bag_info_in_the_package(archive_home, tmp_path):
    bag = tmp_path / "bag"
    shutil.copytree(SAMPLES / "ubnd-2021-20vp-hop-trien-khai-qlvb", bag)
    bagit.make_bag(str(bag), {"Source-Organization": "Văn phòng UBND tỉnh Khánh Hòa",
                              "External-Identifier": "VP-2021-20"}, checksums=["sha256"])
    job = pipeline.submit(bag)
    assert job.result("receive")["origin"]["bagit"]["info"]["External-Identifier"] == "VP-2021-20"
    # read from the archived package (the work folder keeps only step results once it is verified)
    with open_store().open(job.result("store")["prefix"] + "/metadata/preservation/PREMIS.xml") as premis:
        details = [d.text for d in etree.parse(premis).iter("{*}eventDetail")]
    assert any("External-Identifier: VP-2021-20" in d and "Source-Organization" in d for d in details)
