"""Checking the bytes of a sealed PDF against trust roots — knows nothing of the database or the registry.

``check_sealed_pdf(pdf, trust_roots)`` returns a ``VerificationReport``; every reason a file is not genuine is a
``Problem`` with a stable code from ``PROBLEM_MESSAGES``.
"""

from .check import async_check_sealed_pdf, check_sealed_pdf
from .problems import PROBLEM_MESSAGES, Problem
from .report import VerificationReport

__all__ = ["PROBLEM_MESSAGES", "Problem", "VerificationReport", "async_check_sealed_pdf", "check_sealed_pdf"]
