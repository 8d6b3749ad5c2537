"""Writing results out: the result file, the plan workbook, terminal text."""
