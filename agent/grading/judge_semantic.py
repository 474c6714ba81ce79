"""Stage 3, semantic (placeholder until the model lands)."""

from __future__ import annotations


def get_model():
    return None


def judge_semantic(rubric, answer, model):
    raise NotImplementedError
