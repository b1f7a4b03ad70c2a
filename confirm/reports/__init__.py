"""The court's oversight figures (issue 16): 联席会议报表, the joint meeting's figures with the mediation organisations
(``service``, ``views``, ``xlsx``, the court-sealed PDF in ``document``), and 调解员考评, the mediator evaluation in
the caller's scope (``evaluation``, ``evaluation_views``)."""
