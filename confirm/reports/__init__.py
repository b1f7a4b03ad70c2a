"""联席会议报表 (issue 16): the court's figures for its joint meeting with the mediation organisations — read in the
caller's scope (``service``), routed as JSON, XLSX and a court-sealed PDF (``views``, ``xlsx``, ``document``)."""
