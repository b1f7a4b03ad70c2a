"""Errors raised while creating or loading key material."""


class KeyMaterialError(Exception):
    """Key material on disk is missing, inconsistent or unreadable."""
