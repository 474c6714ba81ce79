"""Grading: the Grade model, offline and LLM graders, evidence checks, evaluation metrics."""
