"""Staff accounts: Argon2 passwords and bearer tokens (``auth``), the administrator's operations on courts,
mediation organisations and users (``admin``), the signed-in user as a FastAPI dependency (``deps``) and the
token and ``/me`` routes (``views``)."""
