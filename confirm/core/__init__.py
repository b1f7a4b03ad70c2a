"""The service's plumbing, used by every step and knowing none: configuration, the clock (UTC stored, China's day
for the law), the database and its migrations, the unit of work (``runtime.Runtime``), live events and the job
outbox, the content-addressed document store, the hash-chained audit log, the court seals (the bridge to
``signing/`` and ``keys/``), verification codes for QR codes, crash points for the crash tests, backup."""
