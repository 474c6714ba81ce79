"""Viva: an offline-first mock interviewer for ML and deep-learning engineering interviews."""

__version__ = "0.1.0"
