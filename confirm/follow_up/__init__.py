"""After the ruling: following each confirmed obligation to its end (自动履行). When a confirmed case has been served on
every party, each obligation with a due date gets two durable jobs on the worker's job table (``schedule``): a
履行提醒 to the obligor some days before the due date and a 履行情况询问 to the obligee the day after it, each sent
once through the parties' channel with the party's own link, or not sent and recorded why. The due and overdue
obligations in the caller's scope (``due``), and ``GET /api/v1/obligations/due`` (``views``). The dates are the
law's (``confirm.law.follow_up``)."""
