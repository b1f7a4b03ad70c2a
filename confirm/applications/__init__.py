"""就地申请 and 同步审核: an application from the mediator's draft to the judge's decision. ``service`` creates,
edits, files documents and answers who sees what; ``transitions`` is the only writer of ``Application.status`` (one
function per transition, each with its audit record and live event); ``idempotency`` makes creation safe to
retry; ``live`` streams the events; ``views`` are the staff API's routes."""
