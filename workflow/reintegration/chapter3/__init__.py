"""Chapter III: the mentoring panel (Guinea, Senegal), DiD, effect sizes, selection-adjusted
DiD, the retrospective pre-migration comparison and the Morocco snapshot (STUDY.md §7)."""
