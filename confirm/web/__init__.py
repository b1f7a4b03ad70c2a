"""What every HTTP route shares: the ``Runtime`` dependency, the error answer in the contract's shape and the
table of stable error codes, rate limits, and the one Jinja environment with the pages' templates and static
files. Knows no feature."""
