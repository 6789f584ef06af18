"""Public consultations: collection (highneeds.web) and analysis (highneeds.consult.analysis)."""
