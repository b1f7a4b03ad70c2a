"""在线回传: from a committed decision to the one sealed ruling. ``pipeline`` is the one sealing pipeline every
sealed document goes through (prepare → render → seal → store → record); ``ruling`` is the ruling as a document
kind, and its preview; ``worker`` takes the outbox's jobs and is handed the kinds it seals; ``views`` are the
decision, preview, ruling and revocation routes."""
