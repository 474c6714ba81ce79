"""The interview engine: the one object front ends (the TUI, `viva interview --no-tui`) drive.

    iv = Interview.start(settings, "nvidia-dl-screen")      # or Interview.resume(settings, id)
    while iv.current is not None:
        show(iv.current.text)                               # a Prompt
        reply = iv.answer(read_answer())                    # journals first, then grades/decides
        for message in reply.notices: show(message)         # e.g. the LLM-fallback notice
    iv.wait_for_grades(30); print(iv.summary())

Every step is written to the session journal (fsynced) before the next one. The conversation
state is rebuilt from those events (`state.ConversationState.apply`), which is what makes
`resume` exact. Decisions always use the fast offline grade; a configured LLM grader grades each
finished question in a background thread and its grade is journaled when it arrives (the latest
grade event of a question is its final grade). `answer()` may block on the LLM policy's network
call when the LLM policy is on: call it from a worker thread in a UI.

Thread-safety: one front-end thread calls the methods; background grading appends under a lock.

For front ends:
* `start`/`resume` raise VivaError subclasses (UsageError: unknown track/session, session already
  complete; ConfigError: --policy/--grader llm without a provider; RubricError: broken bank).
  Show `str(exc)`.
* `on_event(event_dict)` is called after each journal event is on disk (`--jsonl` prints them).
* Streaming the LLM interviewer's follow-up (`start`/`resume` take both callbacks):
  - `on_text_delta(text)`: the next piece of the follow-up question while the LLM policy's one
    structured call is still running (pieces in order; append them). Only the LLM policy streams;
    offline prompts never produce deltas.
  - `on_text_reset()`: drop every piece shown since the last reset. Sent when an attempt is
    retried (a stream that broke off, a re-asked invalid reply), when the call fails (the
    offline policy takes over), and when the engine REJECTS the streamed question (it leaked
    the reference answer, repeats an earlier question, is too short) or the model chose to move
    on instead: the next prompt is then the offline choice or the next question.
  - The reply is authoritative: when `answer()` returns, show `Reply.prompt.text` in place of
    the streamed text, always (an accepted question equals the streamed pieces up to whitespace
    normalisation; `Reply.prompt.kind` says whether it is a follow_up at all).
  - Without `on_text_reset` the pieces simply stop at the first point a reset would be needed.
  - Both are called synchronously on the thread that called `answer()`/`resume()`, while the
    engine holds its lock: keep them quick (post a message to the UI loop) and do not call the
    engine from them. An exception in one is logged and ends the streaming, never the interview.
* Voice answers: record to `iv.audio_path(iv.current.turn)` (inside the private session folder)
  and pass `answer(text, source="voice", audio=<file name>, metrics=..., seconds=...)`.
* Prompt kinds: question, follow_up (new questions); repeat (same text again); clarify, decline,
  redirect, nudge (something said while the pending question stays open).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from agent.errors import ConfigError, UsageError
from agent.interview import policy_llm, policy_offline
from agent.interview.bridge import said_from_grade
from agent.interview.intents import Intent, detect_intent, is_off_topic, looks_like_gibberish
from agent.interview.policy_offline import Choice
from agent.interview.state import NON_ANSWER_LIMIT, ConversationState, Prompt, QuestionState
from agent.interview.text import content_words, reference_texts, rubric_leak, stem, vocabulary
from agent.sessions.events import (
    AnswerGiven,
    Decision,
    GradeRecorded,
    Notice,
    QuestionAsked,
    SessionEnd,
    SessionStart,
)
from agent.sessions.journal import JOURNAL_NAME, Journal, read_events, session_dir
from agent.sessions.store import build_record

__all__ = ["Interview", "Prompt", "Reply", "Summary", "QuestionSummary"]

Mode = Literal["text", "voice", "import"]

# Tiny glue phrases the interviewer says (the questions themselves come from the rubrics).
DECLINE = "I can't give you the answer or step out of my role as your interviewer, so let's stay with the question."
NUDGE = "Take your time; whenever you're ready. {question}"
REDIRECT = "Let's come back to the question. {question}"
CLARIFY_DEFAULT = "Answer it the way you understand it, and say what you are assuming."
CLARIFY_ENOUGH = "Go with the reading that seems most natural to you and state your assumption."
MIN_FOLLOW_UP_SECONDS = 30.0
"""No follow-up is started with less than this left in the interview."""


@dataclass(frozen=True)
class Reply:
    """What `answer()`/`skip()` returns."""

    prompt: Prompt | None
    """The next thing to show (None when the interview is over)."""
    grade: Any | None = None
    """The offline Grade (agent.grading.models.Grade) of everything said on this question so
    far, when this reply was graded; None for repeats, clarifications, silence, declines."""
    notices: list[str] = field(default_factory=list)
    """Messages for the candidate, e.g. 'The LLM interviewer at ... failed (...); continuing
    offline.' Shown once."""
    finished: bool = False


@dataclass
class QuestionSummary:
    question_id: str
    question: str
    score: float | None
    """0-4, the question's final grade (None: asked but never graded)."""
    grader: str | None
    follow_ups: int
    answered: bool
    missed: list[str]
    """Texts of the key points the final grade found missing."""
    misconceptions: list[str]
    """Corrections for the misconceptions the final grade detected."""


@dataclass
class Summary:
    session_id: str
    track: str
    status: str
    overall: float | None
    answered: int
    asked: int
    planned: int
    elapsed: float
    questions: list[QuestionSummary]
    weakest: list[str]
    """Missed key points, those of answered questions first, heaviest first (at most 5)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Interview:
    """A running interview session. Build it with `Interview.start` or `Interview.resume`."""

    # ------------------------------------------------------------------ construction
    def __init__(
        self,
        settings,
        journal: Journal,
        state: ConversationState,
        *,
        track_id: str,
        rubrics: dict[str, Any],
        clock: Callable[[], float] | None,
        offset: float = 0.0,
        on_text_delta: Callable[[str], None] | None = None,
        providers: tuple | None = None,
        on_text_reset: Callable[[], None] | None = None,
    ):
        from agent.grading.offline import grade_offline

        self.settings = settings
        self.journal = journal
        self.state = state
        self.track_id = track_id
        self.rubrics = rubrics
        self._grade_offline = grade_offline
        self._clock = clock or time.monotonic
        self._t0 = self._clock()
        self._offset = offset
        self._on_text_delta = on_text_delta
        self._on_text_reset = on_text_reset
        self._lock = threading.RLock()
        self._vocab = {
            qid: vocabulary(
                [
                    r.question,
                    *(k.text for k in r.key_points),
                    *(c for k in r.key_points for c in k.cues),
                ]
                + [*(p.question for p in r.probes), *r.clarifications, *reference_texts(r)]
            )
            for qid, r in rubrics.items()
        }
        grader, llm = providers or (_final_grader(settings), _policy_client(settings))
        self._final_grader, self.grader_label = grader
        self._llm, self.policy_label = llm
        self._pending_notices: list[str] = []
        self._grader_fallback_noted = False
        self._futures: list[Future] = []
        self._work: queue.Queue | None = None

    @classmethod
    def start(
        cls,
        settings,
        track_id: str | None = None,
        *,
        mode: Mode = "text",
        bank=None,
        journal_root: Path | None = None,
        clock: Callable[[], float] | None = None,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        on_text_delta: Callable[[str], None] | None = None,
        on_text_reset: Callable[[], None] | None = None,
    ) -> Interview:
        """Open a new session on `track_id` (default: settings.default_track) and ask question 1."""
        from agent import __version__

        if bank is None:
            from agent.bank.loader import load_bank

            bank = load_bank()
        track = bank.track(track_id or settings.default_track)
        plan = list(dict.fromkeys(track.question_ids))
        rubrics = {qid: bank.rubric(qid) for qid in plan}
        minutes = {}
        for item in track.questions:
            qid = item if isinstance(item, str) else item.question
            given = None if isinstance(item, str) else item.minutes
            minutes[qid] = float(given or rubrics[qid].minutes)
        if "max_follow_ups" in settings.model_fields_set or track.max_follow_ups is None:
            max_fu = settings.max_follow_ups
        else:
            max_fu = track.max_follow_ups
        # Resolve providers before creating any file: a config error leaves nothing behind.
        providers = (_final_grader(settings), _policy_client(settings))
        journal = Journal.create(journal_root)
        if on_event:
            journal.subscribe(on_event)
        start_event = {
            "plan": plan,
            "max_follow_ups": max_fu,
            "budget_seconds": track.minutes * 60.0,
            "question_minutes": minutes,
        }
        state = ConversationState.from_start(start_event)
        iv = cls(
            settings,
            journal,
            state,
            track_id=track.id,
            rubrics=rubrics,
            clock=clock,
            on_text_delta=on_text_delta,
            on_text_reset=on_text_reset,
            providers=providers,
        )
        iv._emit(
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
        settings,
        session_id: str,
        *,
        bank=None,
        journal_root: Path | None = None,
        clock: Callable[[], float] | None = None,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        on_text_delta: Callable[[str], None] | None = None,
        on_text_reset: Callable[[], None] | None = None,
    ) -> Interview:
        """Reopen an interrupted session and continue where it stopped: a question that was asked
        but not answered is asked again; an answer that was saved but not yet acted on is graded
        and acted on now."""
        path = session_dir(session_id, journal_root) / JOURNAL_NAME
        if not path.exists():
            raise UsageError(f"no session {session_id!r} (see 'viva sessions list')")
        events = read_events(path)
        start = next((e for e in events if e.get("type") == "session_start"), None)
        if start is None or not start.get("plan"):
            raise UsageError(
                f"session {session_id} cannot be resumed: its journal has no start record"
            )
        probe = ConversationState.from_start(start)
        for event in events:
            probe.apply(event)
        if probe.finished and probe.end_reason in ("completed", "time"):
            raise UsageError(f"session {session_id} is already complete; nothing to resume")
        if bank is None:
            from agent.bank.loader import load_bank

            bank = load_bank()
        rubrics = {qid: bank.rubric(qid) for qid in probe.plan}
        providers = (_final_grader(settings), _policy_client(settings))
        journal = Journal.open(session_id, journal_root)  # locks; cuts a torn last line
        state = ConversationState.from_start(start)
        for event in journal.events:
            state.apply(event)
        state.finished = False
        state.end_reason = None
        iv = cls(
            settings,
            journal,
            state,
            track_id=str(start.get("track", "")),
            rubrics=rubrics,
            clock=clock,
            offset=state.elapsed,
            on_text_delta=on_text_delta,
            on_text_reset=on_text_reset,
            providers=providers,
        )
        if on_event:
            journal.subscribe(on_event)
        with iv._lock:
            iv._emit(
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

    def rubric(self, question_id: str):
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
            intent = self._intent(prompt, text)
            self._emit(
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

    def end(self, reason: Literal["quit", "eof", "completed", "time", "error"] = "quit") -> None:
        """Stop now. Answers given so far keep their grades; an unanswered question is not scored."""
        with self._lock:
            if self.state.finished:
                return
            q = self.state.qstate
            if q is not None and q.answer_text().strip() and not q.done:
                self._finalize(q)
            self._emit(SessionEnd(session_id=self.session_id, reason=reason))

    def wait_for_grades(self, timeout: float | None = None) -> bool:
        """Wait for background (LLM) grades. True when all arrived within `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for fut in list(self._futures):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                fut.result(timeout=left)
            except Exception:
                return False
        return True

    def take_notices(self) -> list[str]:
        """Notices produced in the background since the last Reply (e.g. grader fallback)."""
        with self._lock:
            return self._take_notices()

    def summary(self) -> Summary:
        """Scores and weakest points so far (final grades as journaled until now)."""
        with self._lock:
            rec = build_record(self.session_id, self.folder, list(self.journal.events))
        questions = []
        weak: list[tuple[bool, float, str]] = []
        for q in rec.questions:
            rubric = self.rubrics.get(q.question_id)
            grade = q.grade or {}
            missed_ids = [k["id"] for k in grade.get("key_points", []) if not k.get("covered")]
            detected = [m["id"] for m in grade.get("misconceptions", []) if m.get("detected")]
            missed = []
            if rubric is not None:
                for kid in missed_ids:
                    kp = rubric.key_point(kid)
                    if kp is not None:
                        missed.append(kp.text)
                        weak.append((not q.answered, -kp.weight, kp.text))
            corrections = [
                m.correction for m in (rubric.misconceptions if rubric else []) if m.id in detected
            ]
            questions.append(
                QuestionSummary(
                    question_id=q.question_id,
                    question=q.text,
                    score=q.score,
                    grader=grade.get("grader"),
                    follow_ups=q.follow_ups,
                    answered=q.answered,
                    missed=missed,
                    misconceptions=corrections,
                )
            )
        weakest = [t for *_, t in sorted(weak, key=lambda x: x[:2])][:5]
        return Summary(
            session_id=self.session_id,
            track=self.track_id,
            status=rec.status,
            overall=rec.overall,
            answered=rec.answered,
            asked=len(rec.questions),
            planned=len(self.state.plan),
            elapsed=round(self.elapsed, 1),
            questions=questions,
            weakest=weakest,
        )

    def close(self) -> None:
        self.journal.close()

    # ------------------------------------------------------------------ internals
    def _emit(self, event, **extra) -> dict[str, Any]:
        with self._lock:
            data = self.journal.append(event, elapsed=round(self.elapsed, 3), **extra)
            self.state.apply(data)
            return data

    def _take_notices(self) -> list[str]:
        out, self._pending_notices = self._pending_notices, []
        return out

    def _reply(self, grade) -> Reply:
        return Reply(self.current, grade, self._take_notices(), self.state.finished)

    def _intent(self, prompt: Prompt, text: str) -> Intent:
        intent = detect_intent(text)
        if intent == Intent.ANSWER:
            vocab = self._vocab.get(prompt.question_id, set())
            if looks_like_gibberish(text) or is_off_topic(text, vocab):
                return Intent.OFF_TOPIC
        return intent

    def _respond(self, prompt: Prompt, text: str, intent: Intent) -> Reply:
        q = self.state.questions[prompt.question_id]
        rubric = self.rubrics[prompt.question_id]
        pending = q.pending or prompt
        over_limit = q.non_answers >= NON_ANSWER_LIMIT
        if intent in (Intent.REPEAT, Intent.EMPTY, Intent.CLARIFY, Intent.INJECTION) and (
            over_limit or self.remaining <= 0
        ):
            self._move_on(prompt, "no answer after several tries" if over_limit else "time is up")
            return self._reply(None)
        if intent == Intent.REPEAT:
            self._decision(prompt, "repeat", "candidate asked to repeat the question")
            self._reask(prompt, kind="repeat")
            return self._reply(None)
        if intent == Intent.EMPTY:
            if q.pending_counts.get(Intent.EMPTY, 0) <= 1:
                self._decision(prompt, "nudge", "empty answer: re-prompt once")
                self._say(prompt, pending, "nudge", NUDGE.format(question=pending.text))
                return self._reply(None)
            self._move_on(prompt, "no answer again")
            return self._reply(None)
        if intent == Intent.CLARIFY:
            note = (
                self._clarification(rubric, text)
                if q.count(Intent.CLARIFY) <= 2
                else CLARIFY_ENOUGH
            )
            self._decision(prompt, "clarify", "candidate asked a clarifying question")
            self._say(prompt, pending, "clarify", note)
            return self._reply(None)
        if intent == Intent.INJECTION:
            self._decision(prompt, "decline", "asked for the answer or a role change; declined")
            self._say(prompt, pending, "decline", DECLINE)
            return self._reply(None)
        if intent in (Intent.ANSWER, Intent.OFF_TOPIC) and q.redirects == 0 and self.remaining > 0:
            # Off topic by our word check, or (main question only: a follow-up answer covers one
            # point) by the grader's judgement of this answer alone: bring them back, once.
            off = intent == Intent.OFF_TOPIC or (
                not pending.follow_up and self._grade_offline(rubric, text).status == "off_topic"
            )
            if off:
                self._decision(prompt, "redirect", "off-topic answer: redirect once")
                self._say(prompt, pending, "redirect", REDIRECT.format(question=pending.text))
                return self._reply(None)
        if intent in (Intent.DONT_KNOW, Intent.SKIP):
            why = (
                "candidate does not know"
                if intent == Intent.DONT_KNOW
                else "candidate asked to move on"
            )
            self._move_on(prompt, why)
            return self._reply(None)
        # A real answer (or a second off-topic one): grade everything said on this question.
        grade = self._grade_offline(rubric, q.answer_text())
        self._emit_grade(prompt.turn, prompt.question_id, grade)
        if self.remaining <= 0:
            self._move_on(prompt, "time is up")
            return self._reply(grade)
        choice = self._decide(prompt, q, rubric, grade)
        if choice.action == "follow_up":
            self._decision(
                prompt,
                "follow_up",
                choice.reason,
                targets=choice.targets,
                policy=choice.policy,
                question=choice.question,
                probe_id=choice.probe_id,
            )
            self._ask_follow_up(prompt.question_id, choice)
        else:
            self._move_on(prompt, choice.reason, policy=choice.policy, graded=True)
        return self._reply(grade)

    def _decide(self, prompt: Prompt, q: QuestionState, rubric, grade) -> Choice:
        left = self.state.max_follow_ups - q.follow_ups
        if left <= 0:
            return Choice("next", reason=f"follow-up limit ({self.state.max_follow_ups}) reached")
        if grade.status != "graded":
            return Choice("next", reason=f"answer graded as {grade.status}")
        budget = self.state.question_minutes.get(q.question_id, rubric.minutes) * 60.0
        if q.started_at is not None and self.elapsed - q.started_at >= budget:
            return Choice("next", reason="time for this question used")
        if self.remaining < MIN_FOLLOW_UP_SECONDS:
            return Choice("next", reason="interview time nearly up")
        said = said_from_grade(rubric, grade)
        last = q.answers[-1][1] if q.answers else ""
        offline = policy_offline.choose(
            rubric,
            missed=grade.missed_key_points,
            detected=grade.detected_misconceptions,
            probes_asked=q.probes_asked,
            was_asked=self.state.was_asked,
            follow_ups_left=left,
            said=[s for s in said if s.quote in last] or said,
        )
        if self._llm is None or self.state.fallback:
            return offline
        if not grade.missed_key_points and not grade.detected_misconceptions:
            return offline  # everything covered: no need to wait for the model to agree
        relay = _TextRelay(self._on_text_delta, self._on_text_reset)
        try:
            messages, _version = policy_llm.build_messages(
                rubric,
                covered=[k.id for k in grade.key_points if k.covered],
                missed=grade.missed_key_points,
                detected=grade.detected_misconceptions,
                probes_asked=q.probes_asked,
                conversation=self._conversation(q),
                follow_ups_left=left,
                minutes_left=self.remaining / 60.0,
            )
            out = policy_llm.decide(
                self._llm, messages, on_delta=relay.on_delta, on_reset=relay.on_reset
            )
        except Exception as exc:  # ProviderError, or anything unexpected: never stop the interview
            relay.retract()
            self._policy_fallback(exc)
            return offline
        choice = policy_llm.validate(
            out, rubric, fallback=offline, was_asked=self.state.was_asked, label=self.policy_label
        )
        if choice.action == "wrap_up":
            choice = Choice(
                "next",
                reason=f"model asked to wrap up; moving on ({choice.reason})",
                policy=choice.policy,
            )
        if choice.action != "follow_up" or choice.policy == "offline":
            relay.retract()  # the streamed question is not what will be asked
        return choice

    def _policy_fallback(self, exc: Exception) -> None:
        url = getattr(exc, "base_url", None) or getattr(
            getattr(self._llm, "provider", None), "base_url", "?"
        )
        cause = getattr(exc, "cause", None) or f"{type(exc).__name__}: {exc}"
        message = f"The LLM interviewer at {url} failed ({cause}); continuing offline."
        if not self.state.fallback:
            self._emit(Notice(kind="fallback", message=message), source="policy")
            self._pending_notices.append(message)

    def _conversation(self, q: QuestionState) -> list[tuple[str, str]]:
        answers = {turn: text for turn, text, _ in q.answers}
        out: list[tuple[str, str]] = []
        for p in q.asked:
            out.append(("interviewer", p.text))
            if p.turn in answers:
                out.append(("candidate", answers[p.turn]))
        return out

    def _clarification(self, rubric, asked: str) -> str:
        notes = [c for c in rubric.clarifications if not rubric_leak(c, rubric)]
        if not notes:
            return CLARIFY_DEFAULT
        want = {stem(w) for w in content_words(asked)}
        scored = [
            (len(want & {stem(w) for w in content_words(c)}), -i, c) for i, c in enumerate(notes)
        ]
        return max(scored)[2]

    # ---- emitting prompts ----
    def _ask_question(self, index: int) -> None:
        qid = self.state.plan[index]
        rubric = self.rubrics[qid]
        self._emit(
            QuestionAsked(turn=self.state.turn + 1, question_id=qid, text=rubric.question),
            kind="question",
            index=index + 1,
        )

    def _ask_follow_up(self, qid: str, choice: Choice) -> None:
        self._emit(
            QuestionAsked(
                turn=self.state.turn + 1,
                question_id=qid,
                text=choice.question,
                follow_up=True,
                probe_id=choice.probe_id,
                targets=list(choice.targets),
            ),
            kind="follow_up",
            index=self.state.index + 1,
        )

    def _say(self, prompt: Prompt, pending: Prompt, kind: str, text: str) -> None:
        """A prompt that keeps the pending question open (clarify, decline, redirect, nudge)."""
        self._emit(
            QuestionAsked(
                turn=self.state.turn + 1,
                question_id=prompt.question_id,
                text=text,
                follow_up=pending.follow_up,
                probe_id=pending.probe_id,
                targets=list(pending.targets),
            ),
            kind=kind,
            index=self.state.index + 1,
        )

    def _reask(self, prompt: Prompt, *, kind: str) -> None:
        q = self.state.questions[prompt.question_id]
        pending = q.pending or prompt
        self._emit(
            QuestionAsked(
                turn=self.state.turn + 1,
                question_id=pending.question_id,
                text=pending.text,
                follow_up=pending.follow_up,
                probe_id=pending.probe_id,
                targets=list(pending.targets),
            ),
            kind=kind,
            index=self.state.index + 1,
            reask=True,
        )

    def _decision(
        self, prompt: Prompt, action: str, reason: str, *, targets=(), policy="offline", **extra
    ) -> None:
        extra = {k: v for k, v in extra.items() if v is not None}
        self._emit(
            Decision(
                turn=prompt.turn, action=action, targets=list(targets), reason=reason, policy=policy
            ),
            question_id=prompt.question_id,
            **extra,
        )

    # ---- moving between questions ----
    def _move_on(
        self, prompt: Prompt, reason: str, *, policy: str = "offline", graded: bool = False
    ) -> None:
        q = self.state.questions[prompt.question_id]
        self._finalize(q, graded=graded)
        time_up = self.remaining <= 0
        last = self.state.index + 1 >= len(self.state.plan)
        action = "wrap_up" if (time_up or last) else "next"
        self._decision(prompt, action, reason, policy=policy)
        self._advance()

    def _advance(self) -> None:
        if self.remaining <= 0:
            self._emit(SessionEnd(session_id=self.session_id, reason="time"))
        elif self.state.index + 1 >= len(self.state.plan):
            self._emit(SessionEnd(session_id=self.session_id, reason="completed"))
        else:
            self._ask_question(self.state.index + 1)

    def _finalize(self, q: QuestionState, *, graded: bool = False) -> None:
        """The question is left: make sure it has an offline grade, and ask the LLM grader."""
        rubric = self.rubrics[q.question_id]
        text = q.answer_text()
        turn = max([t for t, _, _ in q.answers] or [p.turn for p in q.asked] or [self.state.turn])
        if q.grade is None and not graded:
            self._emit_grade(turn, q.question_id, self._grade_offline(rubric, text))
        if self._final_grader is not None and text.strip():
            self._submit_final_grade(rubric, text, turn)

    def _emit_grade(self, turn: int, qid: str, grade) -> None:
        answer_turns = [
            t
            for t, _, i in self.state.questions[qid].answers
            if i in ("answer", "off_topic", "dont_know")
        ]
        self._emit(
            GradeRecorded(
                turn=turn,
                question_id=qid,
                overall=grade.overall,
                grade=grade.model_dump(mode="json"),
            ),
            scope="question",
            answer_turns=answer_turns,
        )

    def _submit_final_grade(self, rubric, text: str, turn: int) -> None:
        fut: Future = Future()
        self._futures.append(fut)
        if self._work is None:
            self._work = queue.Queue()
            threading.Thread(target=self._grade_worker, name="viva-grader", daemon=True).start()
        self._work.put((fut, rubric, text, turn))

    def _grade_worker(self) -> None:
        assert self._work is not None
        while True:
            fut, rubric, text, turn = self._work.get()
            try:
                grade = self._final_grader.grade(rubric, text)
                with self._lock:
                    if grade.fallback:
                        self._grader_fallback(grade.fallback)
                    else:
                        self._emit_grade(turn, rubric.id, grade)
                fut.set_result(grade)
            except Exception as exc:  # the offline grade is already journaled: keep it, say so
                with self._lock:
                    self._grader_fallback(getattr(exc, "cause", None) or str(exc))
                fut.set_result(None)

    def _grader_fallback(self, cause: str) -> None:
        if self._grader_fallback_noted:
            return
        self._grader_fallback_noted = True
        message = f"The LLM grader failed ({cause}); offline grades are kept."
        self._emit(Notice(kind="fallback", message=message), source="grader")
        self._pending_notices.append(message)

    def _continue(self) -> None:
        """After a resume: do whatever the journal shows was about to happen."""
        st = self.state
        prompt = st.current
        if prompt is None:
            self._ask_question(0)
            return
        decision = (
            st.last_decision
            if st.last_decision and st.last_decision.get("turn") == prompt.turn
            else None
        )
        if decision is not None:
            action = decision.get("action")
            q = st.questions[prompt.question_id]
            if (
                action == "follow_up"
                and decision.get("question")
                and not st.was_asked(decision["question"])
            ):
                self._ask_follow_up(
                    prompt.question_id,
                    Choice(
                        "follow_up",
                        decision["question"],
                        list(decision.get("targets") or []),
                        decision.get("reason", ""),
                        decision.get("probe_id"),
                        decision.get("policy", "offline"),
                    ),
                )
            elif action in ("next", "wrap_up") or q.done:
                self._advance()
            else:
                self._reask(prompt, kind=(q.pending or prompt).kind)
            return
        if st.awaiting_answer:
            self._reask(prompt, kind=(st.questions[prompt.question_id].pending or prompt).kind)
            return
        # Answered, but the crash came before the decision: act on that answer now.
        q = st.questions[prompt.question_id]
        turn, text, intent = next(
            (a for a in reversed(q.answers) if a[0] == prompt.turn), (prompt.turn, "", "empty")
        )
        try:
            parsed = Intent(intent)
        except ValueError:
            parsed = Intent.ANSWER
        self._respond(prompt, text, parsed)


class _TextRelay:
    """Forwards the LLM policy's streamed question to the front end and remembers whether
    something is on screen, so a rejected question can be retracted with one reset."""

    def __init__(self, on_delta: Callable[[str], None] | None, on_reset: Callable[[], None] | None):
        self._delta = on_delta
        self._reset = on_reset
        self.shown = False

    @property
    def on_delta(self) -> Callable[[str], None] | None:
        return self._forward if self._delta is not None else None

    @property
    def on_reset(self) -> Callable[[], None] | None:
        return self._cleared if (self._delta is not None and self._reset is not None) else None

    def _forward(self, text: str) -> None:
        self.shown = True
        self._delta(text)  # an exception here is caught (and logged) by the LLM client

    def _cleared(self) -> None:
        self.shown = False
        self._reset()

    def retract(self) -> None:
        """Tell the front end to drop the streamed text (when any is shown)."""
        if not self.shown:
            return
        self.shown = False
        if self._reset is None:
            return
        try:
            self._reset()
        except Exception:  # noqa: BLE001 - a front-end bug must not stop the interview
            import logging

            logging.getLogger("viva.interview").warning("on_text_reset failed", exc_info=True)


def _final_grader(settings):
    """(LLM grader or None, label). Offline grades are always made synchronously as well."""
    mode = settings.grader_mode
    if mode == "offline":
        return None, "offline"
    from agent.llm.presets import resolve_provider

    if mode == "auto" and resolve_provider(settings, "grader") is None:
        return None, "offline"
    from agent.grading.service import make_grader

    grader = make_grader(settings)
    label = getattr(grader, "label", "offline")
    if label == "offline":
        return None, "offline"
    return grader, label


def _policy_client(settings):
    mode = settings.policy_mode
    if mode == "offline":
        return None, "offline"
    from agent.llm.client import client_for

    client = client_for(settings, "interviewer")
    if client is None:
        if mode == "llm":
            raise ConfigError(
                "the LLM interviewer policy needs a provider: pass --provider/--base-url/--model "
                "or set them in the config (see 'viva config show')"
            )
        return None, "offline"
    return client, f"llm {client.label}"
