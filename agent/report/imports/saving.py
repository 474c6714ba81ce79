"""Saving an imported transcript as a session (mode "import"): each turn journaled as a question
and an answer, each matched question graded on everything said to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.report.imports.matching import Match, match_turns
from agent.report.imports.model import ImportedTranscript, text_metrics

if TYPE_CHECKING:
    from agent.bank.loader import Bank


def save_import(
    transcript: ImportedTranscript, bank: Bank, grader: Any, settings_public: dict[str, Any]
) -> str:
    """Grade the transcript and journal it as a session (mode "import"). Returns its id. A
    recorded answer (format "audio") is copied beside the journal, and its answer is "voice"."""
    from agent import __version__
    from agent.report.model import NO_RUBRIC_NOTE
    from agent.sessions.events import (
        AnswerGiven,
        GradeRecorded,
        QuestionAsked,
        SessionEnd,
        SessionStart,
    )
    from agent.sessions.journal import Journal

    matches = match_turns(transcript, bank)
    plan = list(dict.fromkeys(m.question_id for m in matches))
    journal = Journal.create()
    try:
        journal.append(
            SessionStart(
                session_id=journal.session_id,
                track="import",
                mode="import",
                policy="import",
                grader=grader.label,
                settings=settings_public,
                version=__version__,
            ),
            plan=plan,
            source_file=str(transcript.path),
            format=transcript.format,
        )
        audio = transcript.path if transcript.format == "audio" else None
        audio_name = None
        if audio is not None:
            import shutil

            target = journal.audio_path(1, audio.suffix.lower() or ".wav")
            shutil.copyfile(audio, target)
            target.chmod(0o600)
            audio_name = target.name
        answers: dict[str, list[tuple[int, str]]] = {}
        for n, (turn, m) in enumerate(zip(transcript.turns, matches, strict=True), 1):
            extra: dict[str, Any] = {
                "kind": "follow_up" if m.follow_up else "question",
                "index": plan.index(m.question_id) + 1,
                "match": {"by": m.by, "similarity": m.similarity, "text": turn.question},
                "source_line": turn.line,
            }
            if m.rubric is None:
                extra["reference_free"] = True
                extra["topic"] = turn.topic or "custom"
            if m.derived and m.rubric is not None:
                extra["rubric"] = m.rubric.model_dump(mode="json", by_alias=True)
            journal.append(
                QuestionAsked(
                    turn=n,
                    question_id=m.question_id,
                    text=turn.question,
                    follow_up=m.follow_up,
                ),
                **extra,
            )
            metrics = turn.metrics
            if metrics is None and m.rubric is None and turn.answer:
                metrics = text_metrics(turn.answer)
            journal.append(
                AnswerGiven(
                    turn=n,
                    question_id=m.question_id,
                    text=turn.answer,
                    source="voice" if audio is not None else "import",
                    audio=audio_name,
                    metrics=metrics,
                    seconds=turn.seconds,
                ),
                intent="answer" if turn.answer.strip() else "empty",
            )
            answers.setdefault(m.question_id, []).append((n, turn.answer))
        by_id: dict[str, Match] = {}
        for m in matches:
            by_id.setdefault(m.question_id, m)
        for qid, said in answers.items():
            m = by_id[qid]
            if m.rubric is None:
                continue
            text = "\n\n".join(a for _, a in said if a.strip())
            grade = grader.grade(m.rubric, text)
            journal.append(
                GradeRecorded(
                    turn=said[-1][0],
                    question_id=qid,
                    overall=grade.overall,
                    grade=grade.model_dump(mode="json"),
                ),
                scope="question",
                answer_turns=[n for n, _ in said],
            )
        if any(m.rubric is None for m in matches):
            from agent.sessions.events import Notice

            journal.append(
                Notice(
                    kind="info",
                    message=f"{sum(q.rubric is None for q in by_id.values())} question(s): "
                    f"{NO_RUBRIC_NOTE}",
                )
            )
        journal.append(SessionEnd(session_id=journal.session_id, reason="completed"))
    finally:
        journal.close()
    return journal.session_id
