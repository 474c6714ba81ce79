"""The interview engine: the one object the front ends drive.

The front ends are the TUI and `viva interview --no-tui`:

    iv = Interview.start(settings, "nvidia-dl-screen")      # or Interview.resume(settings, id)
    while iv.current is not None:
        show(iv.current.text)                               # a Prompt
        reply = iv.answer(read_answer())                    # journals first, then grades/decides
        for message in reply.notices: show(message)         # e.g. the LLM-fallback notice
    iv.wait_for_grades(30); print(iv.summary())

Every step is written to the session journal (fsynced) before the next one. The conversation
state is rebuilt from those events (`state.ConversationState.apply`), which is what makes
`resume` exact. Decisions always use the fast offline grade (the decision step is
`decision.FollowUpDecider`); a configured LLM grader grades each finished question in a
background thread (`grading_worker`) and its grade is journaled when it arrives (the latest
grade event of a question is its final grade). `summary.build_summary` makes the end-of-session
summary. `answer()` may block on the LLM policy's network call when the LLM policy is on: call
it from a worker thread in a UI.

Thread-safety: one front-end thread calls the methods; background grading appends under a lock.

For front ends:
* `start`/`resume` raise VivaError subclasses (UsageError: unknown track/session, session already
  complete; ConfigError: --policy/--grader llm without a provider; RubricError: broken bank).
  Show `str(exc)`.
* `on_event(event_dict)` is called after each journal event is on disk (`--jsonl` prints them).
* Streaming the LLM interviewer's follow-up: `start`/`resume` take `on_text_delta(text)` and
  `on_text_reset()`; their contract is in agent.interview.decision's docstring. The reply is
  authoritative: when `answer()` returns, show `Reply.prompt.text` in place of the streamed text.
* Voice answers: record to `iv.audio_path(iv.current.turn)` (inside the private session folder)
  and pass `answer(text, source="voice", audio=<file name>, metrics=..., seconds=...)`.
* Prompt kinds: question, follow_up (new questions); repeat (same text again); clarify, decline,
  redirect, nudge (something said while the pending question stays open).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict, Unpack

from agent.interview import opening
from agent.interview.decision import FollowUpDecider
from agent.interview.grading_worker import BackgroundGrader
from agent.interview.intents import Intent
from agent.interview.journaling import EventWriter
from agent.interview.replies import non_answer_step, reply_intent, rubric_vocabulary
from agent.interview.state import ConversationState, Prompt, QuestionState
from agent.interview.summary import QuestionSummary, Summary, build_summary
from agent.sessions.events import AnswerGiven, DraftKept, Notice, SessionEnd, SessionStart
from agent.sessions.journal import Journal
from agent.sessions.store import build_record

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.bank.models import Rubric
    from agent.config import Settings
    from agent.cv.model import Profile
    from agent.grading.models import Grade

__all__ = ["Interview", "Prompt", "Reply", "Summary", "QuestionSummary"]

Mode = Literal["text", "voice", "import"]


@dataclass(frozen=True)
class Reply:
    """What `answer()`/`skip()` returns."""

    prompt: Prompt | None
    """The next thing to show (None when the interview is over)."""
    grade: Grade | None = None
    """The offline Grade of everything said on this question so far, when this reply was
    graded; None for repeats, clarifications, silence, declines."""
    notices: list[str] = field(default_factory=list)
    """Messages for the candidate, e.g. 'The LLM interviewer at ... failed (...); continuing
    offline.' Shown once."""
    finished: bool = False


class OpenOptions(TypedDict, total=False):
    """The keyword options `Interview.start` and `Interview.resume` share (all default to None)."""

    bank: Bank | None
    journal_root: Path | None
    clock: Callable[[], float] | None
    on_event: Callable[[dict[str, Any]], None] | None
    on_text_delta: Callable[[str], None] | None
    on_text_reset: Callable[[], None] | None


class Interview:
    """A running interview session. Build it with `Interview.start` or `Interview.resume`."""

    # ------------------------------------------------------------------ construction
    def __init__(
        self,
        settings: Settings,
        journal: Journal,
        state: ConversationState,
        track_id: str,
        rubrics: dict[str, Rubric],
        providers: opening.Providers,
        options: OpenOptions,
    ):
        """Built by `start` and `resume` on an open journal: `options["on_event"]` is subscribed
        first; the options' clock and streaming hooks drive the engine."""
        from agent.grading.judge_semantic import warm_in_background
        from agent.grading.offline import grade_offline
        from agent.grading.other_question import OtherQuestions

        if on_event := options.get("on_event"):
            journal.subscribe(on_event)
        warm_in_background()
        self.settings = settings
        self.journal = journal
        self.state = state
        self.track_id = track_id
        self.rubrics = rubrics
        self._grade_offline = grade_offline
        bank = options.get("bank")
        self._others = OtherQuestions(bank.rubrics.values() if bank else rubrics.values())
        self._others.warm()
        self._clock = options.get("clock") or time.monotonic
        self._t0 = self._clock()
        self._offset = state.elapsed  # interview seconds before a resume
        self._lock = threading.RLock()
        self._log = EventWriter(journal, state, self._lock, lambda: self.elapsed)
        self._vocab = {qid: rubric_vocabulary(r) for qid, r in rubrics.items()}
        (final, self.grader_label), (llm, self.policy_label) = providers
        self._final_grades = (
            BackgroundGrader(
                final, self._lock, on_grade=self._log.grade, on_failure=self._grader_fallback
            )
            if final is not None
            else None
        )
        self._decider = FollowUpDecider(
            llm,
            self.policy_label,
            on_text_delta=options.get("on_text_delta"),
            on_text_reset=options.get("on_text_reset"),
            on_fallback=self._policy_fallback,
        )
        self._pending_notices: list[str] = []

    @classmethod
    def start(
        cls,
        settings: Settings,
        track_id: str | None = None,
        *,
        mode: Mode = "text",
        cv: Profile | None = None,
        **options: Unpack[OpenOptions],
    ) -> Interview:
        """Open a new session on `track_id` (default: settings.default_track) and ask question 1.
        A project deep dive asks about the main project of `cv` (default: the imported resume,
        `viva cv import`)."""
        from agent import __version__

        bank = options["bank"] = opening.load_bank(options.get("bank"))
        track = bank.track(track_id or settings.default_track)
        rubrics = {qid: bank.rubric(qid) for qid in dict.fromkeys(track.question_ids)}
        start_event = opening.plan_start(settings, track, rubrics)
        rubrics, project = opening.tailor_to_cv(rubrics, cv)
        if project is not None:
            start_event["cv_project"] = project
        # Resolve providers before creating any file: a config error leaves nothing behind.
        providers = opening.resolve_providers(settings)
        journal = Journal.create(options.get("journal_root"))
        state = ConversationState.from_start(start_event)
        iv = cls(settings, journal, state, track.id, rubrics, providers, options)
        iv._log.emit(
            SessionStart(
                session_id=journal.session_id,
                track=track.id,
                mode=mode,
                policy=iv.policy_label,
                grader=iv.grader_label,
                settings=settings.public_dict(),
                version=__version__,
            ),
            **start_event,
        )
        with iv._lock:
            iv._ask_question(0)
        return iv

    @classmethod
    def resume(
        cls,
        settings: Settings,
        session_id: str,
        **options: Unpack[OpenOptions],
    ) -> Interview:
        """Reopen an interrupted session and continue where it stopped: a question that was asked
        but not answered is asked again; an answer that was saved but not yet acted on is graded
        and acted on now."""
        journal_root = options.get("journal_root")
        start = opening.resumable_start(session_id, journal_root)
        bank = options["bank"] = opening.load_bank(options.get("bank"))
        rubrics = {qid: bank.rubric(qid) for qid in ConversationState.from_start(start).plan}
        rubrics = opening.retailor(rubrics, start.get("cv_project"))
        providers = opening.resolve_providers(settings)
        journal = Journal.open(session_id, journal_root)  # locks; cuts a torn last line
        state = opening.replay(start, journal.events)
        state.finished = False
        state.end_reason = None
        track_id = str(start.get("track", ""))
        iv = cls(settings, journal, state, track_id, rubrics, providers, options)
        with iv._lock:
            iv._log.emit(
                Notice(kind="info", message=f"session resumed after {state.elapsed:.0f} s"),
                resumed=True,
            )
            iv._continue()
        return iv

    # ------------------------------------------------------------------ read-only API
    @property
    def session_id(self) -> str:
        return self.journal.session_id

    @property
    def folder(self) -> Path:
        """The session folder (write answer audio here: `audio_path(turn)`)."""
        return self.journal.folder

    def audio_path(self, turn: int) -> Path:
        return self.journal.audio_path(turn)

    @property
    def current(self) -> Prompt | None:
        """The prompt waiting for an answer, or None when the interview is over."""
        return None if self.state.finished else self.state.current

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def draft(self) -> str:
        """What the candidate had not sent for the current question when the interview last
        stopped ('' when nothing is kept): a resume puts it back in front of them."""
        kept, prompt = self.state.draft, self.current
        return kept[1] if kept and prompt is not None and kept[0] == prompt.question_id else ""

    @property
    def end_reason(self) -> str | None:
        """completed | time | quit | eof | error once finished, else None."""
        return self.state.end_reason if self.state.finished else None

    @property
    def events(self) -> list[dict[str, Any]]:
        """A copy of the session's journal events so far (as written)."""
        with self._lock:
            return list(self.journal.events)

    @property
    def elapsed(self) -> float:
        """Interview seconds so far (time before a resume included, the gap excluded)."""
        return self._offset + (self._clock() - self._t0)

    @property
    def remaining(self) -> float:
        """Seconds left in the track's time budget (negative when over)."""
        return self.state.budget_seconds - self.elapsed

    @property
    def progress(self) -> tuple[int, int]:
        """(1-based index of the current question, number of questions in the plan)."""
        return (max(0, self.state.index) + 1, len(self.state.plan))

    def rubric(self, question_id: str) -> Rubric:
        return self.rubrics[question_id]

    # ------------------------------------------------------------------ actions
    def answer(
        self,
        text: str,
        *,
        source: Literal["typed", "voice", "import"] = "typed",
        audio: str | None = None,
        metrics: dict[str, Any] | None = None,
        seconds: float | None = None,
    ) -> Reply:
        """Record the candidate's reply to `current` (journaled before anything else happens),
        then grade it offline and decide the next prompt."""
        with self._lock:
            prompt = self.current
            if prompt is None:
                return Reply(None, None, self._take_notices(), True)
            text = text or ""
            intent = reply_intent(text, self._vocab.get(prompt.question_id, set()))
            self._log.emit(
                AnswerGiven(
                    turn=prompt.turn,
                    question_id=prompt.question_id,
                    text=text,
                    source=source,
                    audio=audio,
                    metrics=metrics,
                    seconds=seconds,
                ),
                intent=intent.value,
            )
            return self._respond(prompt, text, intent)

    def skip(self) -> Reply:
        """Leave the current question (graded on what was said so far; 0 if nothing)."""
        with self._lock:
            prompt = self.current
            if prompt is None:
                return Reply(None, None, self._take_notices(), True)
            self._move_on(prompt, "skipped by the candidate")
            return self._reply(None)

    def repeat(self) -> Prompt | None:
        """Say the pending question again, verbatim (not graded, not a follow-up)."""
        with self._lock:
            prompt = self.current
            if prompt is None:
                return None
            self._reask(prompt, kind="repeat")
            return self.current

    def end(
        self,
        reason: Literal["quit", "eof", "completed", "time", "error"] = "quit",
        *,
        draft: str = "",
    ) -> None:
        """Stop now. Answers given so far keep their grades; an unanswered question is not scored.
        `draft`: text typed (or transcribed) but not sent, journaled for a resume."""
        with self._lock:
            if self.state.finished:
                return
            prompt = self.state.current
            if draft.strip() and prompt is not None:
                self._log.emit(
                    DraftKept(turn=prompt.turn, question_id=prompt.question_id, text=draft)
                )
            q = self.state.qstate
            if q is not None and q.answer_text().strip() and not q.done:
                self._finalize(q)
            self._log.emit(SessionEnd(session_id=self.session_id, reason=reason))

    def wait_for_grades(self, timeout: float | None = None) -> bool:
        """Wait for background (LLM) grades. True when all arrived within `timeout` seconds."""
        return self._final_grades is None or self._final_grades.wait(timeout)

    def take_notices(self) -> list[str]:
        """Notices produced in the background since the last Reply (e.g. grader fallback)."""
        with self._lock:
            return self._take_notices()

    def summary(self) -> Summary:
        """Scores and weakest points so far (final grades as journaled until now)."""
        with self._lock:
            rec = build_record(self.session_id, self.folder, list(self.journal.events))
        return build_summary(
            rec,
            self.rubrics,
            track=self.track_id,
            planned=len(self.state.plan),
            elapsed=round(self.elapsed, 1),
        )

    def close(self) -> None:
        self.journal.close()

    # ------------------------------------------------------------------ internals
    def _take_notices(self) -> list[str]:
        out, self._pending_notices = self._pending_notices, []
        return out

    def _reply(self, grade: Grade | None) -> Reply:
        return Reply(self.current, grade, self._take_notices(), self.state.finished)

    def _respond(self, prompt: Prompt, text: str, intent: Intent) -> Reply:
        q = self.state.questions[prompt.question_id]
        rubric = self.rubrics[prompt.question_id]
        pending = q.pending or prompt
        step = non_answer_step(
            intent,
            q,
            pending,
            rubric,
            text,
            time_left=self.remaining,
            judged_off_topic=lambda: self._grade_offline(rubric, text).status == "off_topic",
            addressed_instead=lambda: getattr(
                self._others.addressed_instead(rubric, text), "id", None
            ),
        )
        if step is not None:
            if step.action is None:
                self._move_on(prompt, step.reason)
            else:
                self._log.decision(prompt, step.action, step.reason)
                extra = {"reask": True} if step.reask else {}
                self._log.keep_open(pending, step.action, step.say, **extra)
            return self._reply(None)
        # A real answer (or a second off-topic one): grade everything said on this question.
        grade = self._grade_offline(rubric, q.answer_text())
        self._log.grade(prompt.turn, prompt.question_id, grade)
        if self.remaining <= 0:
            self._move_on(prompt, "time is up")
            return self._reply(grade)
        choice = self._decider.decide(
            self.state, q, rubric, grade, elapsed=self.elapsed, remaining=self.remaining
        )
        if choice.action == "follow_up":
            self._log.decision(
                prompt,
                "follow_up",
                choice.reason,
                targets=choice.targets,
                policy=choice.policy,
                question=choice.question,
                probe_id=choice.probe_id,
            )
            self._log.follow_up(prompt.question_id, choice)
        else:
            self._move_on(prompt, choice.reason, policy=choice.policy, graded=True)
        return self._reply(grade)

    def _policy_fallback(self, message: str) -> None:
        if not self.state.fallback:
            self._log.emit(Notice(kind="fallback", message=message), source="policy")
            self._pending_notices.append(message)

    def _grader_fallback(self, cause: str) -> None:
        message = f"The LLM grader failed ({cause}); offline grades are kept."
        self._log.emit(Notice(kind="fallback", message=message), source="grader")
        self._pending_notices.append(message)

    # ---- emitting prompts ----
    def _ask_question(self, index: int) -> None:
        from agent.grading.judge_semantic import warm_rubric_in_background

        qid = self.state.plan[index]
        warm_rubric_in_background(self.rubrics[qid])
        self._log.ask(qid, self.rubrics[qid].question, "question", index=index + 1)

    def _reask(self, prompt: Prompt, *, kind: str) -> None:
        pending = self.state.questions[prompt.question_id].pending or prompt
        self._log.keep_open(pending, kind, pending.text, reask=True)

    # ---- moving between questions ----
    def _move_on(
        self, prompt: Prompt, reason: str, *, policy: str = "offline", graded: bool = False
    ) -> None:
        q = self.state.questions[prompt.question_id]
        self._finalize(q, graded=graded)
        time_up = self.remaining <= 0
        last = self.state.index + 1 >= len(self.state.plan)
        action = "wrap_up" if (time_up or last) else "next"
        self._log.decision(prompt, action, reason, policy=policy)
        self._advance()

    def _advance(self) -> None:
        if self.remaining <= 0:
            self._log.emit(SessionEnd(session_id=self.session_id, reason="time"))
        elif self.state.index + 1 >= len(self.state.plan):
            self._log.emit(SessionEnd(session_id=self.session_id, reason="completed"))
        else:
            self._ask_question(self.state.index + 1)

    def _finalize(self, q: QuestionState, *, graded: bool = False) -> None:
        """The question is left: make sure it has an offline grade, and ask the LLM grader."""
        rubric = self.rubrics[q.question_id]
        text = q.answer_text()
        turn = max([t for t, _, _ in q.answers] or [p.turn for p in q.asked] or [self.state.turn])
        if q.grade is None and not graded:
            self._log.grade(turn, q.question_id, self._grade_offline(rubric, text))
        if self._final_grades is not None and text.strip():
            self._final_grades.submit(rubric, text, turn)

    def _continue(self) -> None:
        """After a resume: do whatever the journal shows was about to happen."""
        step = opening.resume_step(self.state)
        prompt = self.state.current
        if step.do == "ask_first" or prompt is None:
            self._ask_question(0)
        elif step.do == "follow_up" and step.choice is not None:
            self._log.follow_up(prompt.question_id, step.choice)
        elif step.do == "advance":
            self._advance()
        elif step.do == "reask":
            self._reask(prompt, kind=step.kind)
        else:
            self._respond(prompt, step.text, step.intent)
