"""The parties in the loop (当事人确认): each party confirms the agreement from their own phone, with no account,
before the court rules. ``service`` gives each party a link when the mediator submits, checks who opens it (the
last characters of the ID number and a one-time code sent to the party's own phone), records what the party saw
and decided, and tells the judge; ``ratings`` takes the party's one rating of the mediation after service;
``views`` is the party's JSON API (api.md v1.1). The party's pages are
``confirm.pages.party``."""
