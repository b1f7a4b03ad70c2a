"""Messages Jiudi sends to the parties (a confirmation link, a one-time code, the served ruling): each one a row
and a durable job (``outbox.queue_message``), delivered by the worker through the configured channel (e-mail over
SMTP, SMS through the provider; ``confirm.core.messaging``) at most once (``delivery``). In development mode,
without a configured channel, the message is kept in the development outbox instead (``GET /dev/outbox``,
``jiudi outbox``), as web frameworks' console mail backends do."""
