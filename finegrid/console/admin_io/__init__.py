"""Administration data in spreadsheets (xlsx or CSV, Chinese headers): units, people and their
roles, categories and their time limits, the work calendar, the responsibility matrix and the
grids' attributes. Each kind is a `Sheet` (sheet.py) in its own module; `run_import` checks every
row first and writes nothing unless all of them pass, in one transaction, audited."""
