"""Shared helpers for the TUI tests: a short user track, fabricated sessions, screen text."""

from __future__ import annotations

from pathlib import Path

from agent.sessions.events import (
    AnswerGiven,
    Decision,
    GradeRecorded,
    QuestionAsked,
    SessionEnd,
    SessionStart,
)
from agent.sessions.journal import Journal
from agent.tui.readiness import Readiness

NO_MIC = Readiness(
    provider="offline",
    grader="offline",
    microphone=False,
    microphone_detail="no input device found",
    whisper=True,
    whisper_detail="tiny.en (bundled)",
)
"""What the start-up probe reports on this machine (no sound card): injected for determinism."""

SHORT_TRACK = "tui-short"


def write_track(
    home: Path,
    questions=("gradient-descent", "bias-variance"),
    *,
    track_id=SHORT_TRACK,
    minutes=20,
    max_follow_ups=1,
    title="TUI test track",
) -> Path:
    """A user track file in VIVA_HOME's rubrics folder (the bank loads it like a shipped one)."""
    folder = home / "config" / "rubrics" / "tracks"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"id: {track_id}",
        f"title: {title}",
        f"minutes: {minutes}",
        f"max_follow_ups: {max_follow_ups}",
        "questions:",
        *[f"  - {q}" for q in questions],
    ]
    path = folder / f"{track_id}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fabricate_session(
    session_id: str,
    track: str,
    answers: list[tuple[str, str, str]],
    *,
    mode: str = "text",
    end_reason: str | None = "completed",
    plan: list[str] | None = None,
    metrics: dict | None = None,
) -> str:
    """Write a session journal with the real Journal class: for each (question_id, question text,
    answer) a question, an answer, its real offline grade and a decision. Deterministic."""
    from agent.bank.loader import load_bank
    from agent.config import load_settings
    from agent.grading.offline import grade_offline

    bank = load_bank()
    plan = plan or [qid for qid, _, _ in answers]
    journal = Journal.create(session_id=session_id)
    journal.append(
        SessionStart(
            session_id=session_id,
            track=track,
            mode=mode,
            policy="offline",
            grader="offline",
            settings=load_settings().public_dict(),
            version="test",
        ),
        plan=plan,
        max_follow_ups=1,
        budget_seconds=1200.0,
        question_minutes={q: 6.0 for q in plan},
        elapsed=0.0,
    )
    t = 0.0
    for turn, (qid, question, answer) in enumerate(answers, start=1):
        t += 60.0
        journal.append(
            QuestionAsked(turn=turn, question_id=qid, text=question or bank.rubric(qid).question),
            kind="question",
            index=plan.index(qid) + 1,
            elapsed=t,
        )
        journal.append(
            AnswerGiven(
                turn=turn,
                question_id=qid,
                text=answer,
                source="voice" if metrics else "typed",
                metrics=metrics,
                seconds=50.0,
            ),
            intent="answer",
            elapsed=t + 50,
        )
        grade = grade_offline(bank.rubric(qid), answer)
        journal.append(
            GradeRecorded(
                turn=turn,
                question_id=qid,
                overall=grade.overall,
                grade=grade.model_dump(mode="json"),
            ),
            scope="question",
            answer_turns=[turn],
            elapsed=t + 51,
        )
        journal.append(
            Decision(turn=turn, action="next", reason="test"), question_id=qid, elapsed=t + 51
        )
    if end_reason:
        journal.append(SessionEnd(session_id=session_id, reason=end_reason), elapsed=t + 60)
    journal.close()
    return session_id


GD_STRONG = (
    "Gradient descent updates the parameters in the direction of the negative gradient of the "
    "loss, scaled by a learning rate. Too large a learning rate diverges or oscillates, too small "
    "converges slowly. For convex functions it reaches the global minimum; for non-convex ones "
    "like neural networks only a local minimum or saddle point is guaranteed. Stochastic "
    "gradient descent uses mini-batches, which adds noise that can help escape saddle points."
)
GD_WEAK = "You compute the gradient and move the weights a little bit downhill each step."
BV_MEDIUM = (
    "Bias is error from wrong assumptions, the model is too simple and underfits. Variance is "
    "sensitivity to the training data, the model overfits. More capacity lowers bias but raises "
    "variance, so there is a trade-off."
)


def widget_text(widget) -> str:
    """The plain text a Static-like widget shows."""
    content = getattr(widget, "content", None)
    if content is None:
        content = widget.render()
    return getattr(content, "plain", None) or str(content)
