"""联席会议报表 (issue 16): the court's figures for its joint meeting with the mediation organisations."""
