"""Appendix VI of Decree 30/2020/NĐ-CP: manifest XSD, models, code lists and the dossier validator."""
