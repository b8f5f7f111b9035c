"""The archival package (gói tin lưu trữ) of one dossier: E-ARK CSIP with METS, EAD3, PREMIS 3.

Public interface:
- ``build_package(content, out_dir, package_type=...) -> BuiltPackage``
- ``read_package(location, store=None) -> PackageDescription``; ``verify_package(location, store=None)``
- ``validate_package(package_dir) -> EarkReport`` (eark-validator, offline);
  ``validate_xml_against_shipped_xsds(package_dir) -> list[XsdProblem]``
"""
from archive.package.build import build_package
from archive.package.content import (BuiltPackage, DocumentContent, OriginalFile, PackageContent, PackageEvent,
                                     PreservationCopy, copy_id, original_id)
from archive.package.eark import EarkReport, validate_package, validate_xml_against_shipped_xsds
from archive.package.read import FixityReport, PackageDescription, read_package, verify_package

__all__ = ["BuiltPackage", "DocumentContent", "EarkReport", "FixityReport", "OriginalFile", "PackageContent",
           "PackageDescription", "PackageEvent", "PreservationCopy", "build_package", "copy_id", "original_id",
           "read_package", "validate_package", "validate_xml_against_shipped_xsds", "verify_package"]
