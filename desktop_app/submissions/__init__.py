"""半年/全年报送 (the semi-annual and annual submission to the county health commission).

Layout: :mod:`models` (records, periods), :mod:`indicators` (the year-versioned monitoring
indicators as data, their rates and targets), :mod:`gather` (the period's figures from every module,
as a JSON-able snapshot), :mod:`repo` (SQL), :mod:`service` (drafts, finalising with a
verification code, amendments, verifying a file).
"""
