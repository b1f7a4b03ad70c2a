"""After the ruling (自动履行): the obligee's answers about each obligation, the obligor's proofs, the mediator's
record of performance witnessed, and the certificate of voluntary performance (自动履行证明书) the worker seals once
every obligation is performed. The rules are in ``confirm.law.performance``; ``service`` makes each change in one
transaction with its audit record, ``document`` is the certificate as a document kind, ``views`` the routes."""
