"""Functional enrichment: embedded GO, user GMT files, gene-list ORA and GREAT region tests."""
