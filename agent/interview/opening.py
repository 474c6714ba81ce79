"""Opening a session: the plan of a new one from its track; the checks and the replay that
reopen an interrupted one from its journal, and what it was about to do when it stopped."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from agent.errors import UsageError
from agent.interview import decision, grading_worker
from agent.interview.intents import Intent
from agent.interview.policy_offline import Choice
from agent.interview.state import ConversationState
from agent.sessions.journal import JOURNAL_NAME, read_events, session_dir

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.bank.models import Rubric, Track
    from agent.config import Settings
    from agent.cv.model import Profile
    from agent.llm.client import LLMClient

Providers = tuple[tuple[Any | None, str], tuple["LLMClient | None", str]]
"""((final grader or None, its label), (LLM interviewer client or None, the policy label))."""


def load_bank(bank: Bank | None) -> Bank:
    """`bank`, or the installed question bank."""
    if bank is not None:
        return bank
    from agent.bank.loader import load_bank as load

    return load()


def resolve_providers(settings: Settings) -> Providers:
    """The final grader and the LLM interviewer the settings ask for (ConfigError when one
    cannot be had): resolved before any file is created."""
    return grading_worker.final_grader(settings), decision.policy_client(settings)


def plan_start(settings: Settings, track: Track, rubrics: dict[str, Rubric]) -> dict[str, Any]:
    """The plan fields of a new session's start event: question order, follow-up limit, the
    time budget and each question's minutes (the track's, else the rubric's)."""
    minutes = {}
    for item in track.questions:
        qid = item if isinstance(item, str) else item.question
        given = None if isinstance(item, str) else item.minutes
        minutes[qid] = float(given or rubrics[qid].minutes)
    if "max_follow_ups" in settings.model_fields_set or track.max_follow_ups is None:
        max_fu = settings.max_follow_ups
    else:
        max_fu = track.max_follow_ups
    return {
        "plan": list(rubrics),
        "max_follow_ups": max_fu,
        "budget_seconds": track.minutes * 60.0,
        "question_minutes": minutes,
    }


def resumable_start(session_id: str, journal_root: Path | None) -> dict[str, Any]:
    """The start event of a session that can be resumed; UsageError (one line) when it cannot:
    no such session, no start record, or already complete."""
    path = session_dir(session_id, journal_root) / JOURNAL_NAME
    if not path.exists():
        raise UsageError(f"no session {session_id!r} (see 'viva sessions list')")
    events = read_events(path)
    start = next((e for e in events if e.get("type") == "session_start"), None)
    if start is None or not start.get("plan"):
        raise UsageError(f"session {session_id} cannot be resumed: its journal has no start record")
    probe = replay(start, events)
    if probe.finished and probe.end_reason in ("completed", "time"):
        raise UsageError(f"session {session_id} is already complete; nothing to resume")
    return start


def replay(start: dict[str, Any], events: list[dict[str, Any]]) -> ConversationState:
    """The conversation state after `events` (the start event's plan first)."""
    state = ConversationState.from_start(start)
    for event in events:
        state.apply(event)
    return state


@dataclass(frozen=True)
class ResumeStep:
    """What the journal shows was about to happen when a session stopped."""

    do: Literal["ask_first", "follow_up", "advance", "reask", "respond"]
    choice: Choice | None = None
    """follow_up: the follow-up that was decided but not yet asked."""
    kind: str = ""
    """reask: the kind of the prompt to say again."""
    text: str = ""
    """respond: the saved answer that was not yet acted on, and its intent."""
    intent: Intent = Intent.ANSWER


def resume_step(st: ConversationState) -> ResumeStep:
    """After a resume: ask question 1, ask the decided follow-up, move on, say the pending
    prompt again, or act on an answer that was saved just before the crash."""
    prompt = st.current
    if prompt is None:
        return ResumeStep("ask_first")
    q = st.questions[prompt.question_id]
    decision = st.last_decision
    if decision is not None and decision.get("turn") == prompt.turn:
        action = decision.get("action")
        if (
            action == "follow_up"
            and decision.get("question")
            and not st.was_asked(decision["question"])
        ):
            choice = Choice(
                "follow_up",
                decision["question"],
                list(decision.get("targets") or []),
                decision.get("reason", ""),
                decision.get("probe_id"),
                decision.get("policy", "offline"),
            )
            return ResumeStep("follow_up", choice=choice)
        if action in ("next", "wrap_up") or q.done:
            return ResumeStep("advance")
        return ResumeStep("reask", kind=(q.pending or prompt).kind)
    if st.awaiting_answer:
        return ResumeStep("reask", kind=(q.pending or prompt).kind)
    # Answered, but the crash came before the decision: act on that answer now.
    _turn, text, intent = next(
        (a for a in reversed(q.answers) if a[0] == prompt.turn), (prompt.turn, "", "empty")
    )
    try:
        parsed = Intent(intent)
    except ValueError:
        parsed = Intent.ANSWER
    return ResumeStep("respond", text=text, intent=parsed)


def tailor_to_cv(
    rubrics: dict[str, Rubric], cv: Profile | None
) -> tuple[dict[str, Rubric], dict[str, Any] | None]:
    """The plan's rubrics with the project deep dive asked about the candidate's main project
    (`cv`, else the imported resume), and that project as the start event records it (so a
    resumed session asks about the same one). Unchanged when no project question is planned."""
    from agent.cv.store import load_profile
    from agent.cv.tailor import DEEP_DIVE_TOPIC, tailor_rubrics

    if not any(r.topic == DEEP_DIVE_TOPIC for r in rubrics.values()):
        return rubrics, None
    profile = cv if cv is not None else load_profile()
    project = profile.main_project() if profile is not None else None
    if profile is None or project is None:
        return rubrics, None
    return tailor_rubrics(rubrics, profile), project.model_dump(mode="json")


def retailor(rubrics: dict[str, Rubric], project: dict[str, Any] | None) -> dict[str, Rubric]:
    """A resumed session's rubrics, tailored to the project its start event recorded."""
    from agent.cv.model import Profile, Project
    from agent.cv.tailor import tailor_rubrics

    if not project:
        return rubrics
    return tailor_rubrics(rubrics, Profile(projects=[Project.model_validate(project)]))
