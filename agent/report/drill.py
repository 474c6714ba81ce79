"""The drill plan: what to practise next, scheduled across sessions by spaced repetition.

Leitner boxes keyed by (question, key point) and (question, misconception), derived every time
from all journals (oldest first), so the plan is never stale and needs no stored state:

- a key point the grade found missing, or a misconception it detected, goes to box 1;
- a key point later covered (or a misconception later avoided in a real answer) moves up one
  box; past box 4 it is mastered and leaves the plan;
- an item in box b comes back `INTERVALS[b]` sessions after it was last seen (1, 2, 4, 8): what
  was weak comes back sooner. Only sessions with at least one grade advance the clock.

Items due are spread over the coming sessions, at most `PER_SESSION` each, weakest first
(lowest box, misconceptions before gaps, most often missed, heaviest key point), and each is
mapped to the questions that practise it: the rubric's probes that target it, then the question.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from agent.report.history import graded_questions, question_event, rubric_for

if TYPE_CHECKING:
    from agent.bank.loader import Bank
    from agent.sessions.store import SessionRecord

INTERVALS = {1: 1, 2: 2, 3: 4, 4: 8}
"""Sessions until an item in each box comes back."""
DAYS = {1: 1, 2: 3, 3: 7, 4: 14}
"""The same intervals as a calendar suggestion (days)."""
MASTERED_BOX = 5
PER_SESSION = 6
HORIZON = 8
"""How many coming sessions the schedule lays out."""


class PracticeQuestion(BaseModel):
    question_id: str
    probe_id: str | None = None
    """None: the main question itself."""
    text: str


class DrillItem(BaseModel):
    key: str
    """`question_id:key_point_id` or `question_id:misconception_id`."""
    kind: Literal["key_point", "misconception"]
    id: str
    question_id: str
    topic: str
    text: str
    """The key point, or the misconception's wrong claim."""
    correction: str | None = None
    """For a misconception: the right statement."""
    box: int = Field(ge=1, le=MASTERED_BOX)
    misses: int = 0
    """Times it was missed (key point) or claimed (misconception)."""
    hits: int = 0
    """Times it was covered (or avoided) after entering the plan."""
    last_result: Literal["missed", "covered", "claimed", "avoided"]
    last_session: str
    last_date: str
    due_in_sessions: int
    """Coming sessions until it is due (1 = the next session)."""
    due_date: str
    """Calendar suggestion: last seen + 1/3/7/14 days by box."""
    practice: list[PracticeQuestion] = Field(default_factory=list)

    @property
    def kind_label(self) -> str:
        """'misconception' or 'key point', as the debriefs name the kind."""
        return "misconception" if self.kind == "misconception" else "key point"

    @property
    def probe(self) -> PracticeQuestion | None:
        """The first authored probe that practises this item (None: only the main question)."""
        return next((p for p in self.practice if p.probe_id), None)

    @property
    def heading(self) -> str:
        """'key point (box 2)': how the debriefs introduce the item before its text."""
        return f"{self.kind_label} (box {self.box})"

    @property
    def notes(self) -> list[tuple[str, str]]:
        """What the debriefs print under the item, (label, text): the correction of a
        misconception, then the probe to practise it with."""
        notes = [("correction", self.correction)] if self.correction else []
        if probe := self.probe:
            notes.append(("practise", probe.text))
        return notes


class ScheduleSlot(BaseModel):
    session: int
    """1 = the next session, 2 = the one after, ..."""
    items: list[str]
    """Keys of the items to drill in that session."""

    @property
    def when(self) -> str:
        """The slot's session as the debriefs show it: '1 (next)', '2', ..."""
        return "1 (next)" if self.session == 1 else str(self.session)


class NextQuestion(BaseModel):
    question_id: str
    question: str
    targets: list[str]
    """Keys of the drill items this question practises."""


class DrillPlan(BaseModel):
    as_of: str | None = None
    """The last session counted (None: no session yet)."""
    sessions_counted: int = 0
    items: list[DrillItem] = Field(default_factory=list)
    """Every item still in the plan, weakest first."""
    schedule: list[ScheduleSlot] = Field(default_factory=list)
    next_session: list[NextQuestion] = Field(default_factory=list)
    """The questions to practise in the next session and what each one drills."""
    mastered: list[str] = Field(default_factory=list)
    """Keys of items that went through every box."""

    @property
    def intro(self) -> str:
        """The sentence that opens a non-empty plan in every debrief."""
        later = [str(INTERVALS[box]) for box in sorted(INTERVALS)[1:]]
        return (
            f"Spaced repetition over {self.sessions_counted} session(s): a weak point comes back "
            f"at the next session, then after {', '.join(later[:-1])} and {later[-1]} sessions "
            "as you get it right."
        )

    @property
    def empty_note(self) -> str:
        """What the debriefs say when nothing is due."""
        if self.mastered:
            return f"Nothing due: {len(self.mastered)} item(s) mastered."
        return "Nothing to drill yet: no weak key points or misconceptions recorded."

    def targets_of(self, question: NextQuestion) -> list[DrillItem]:
        """The drill items a next-session question practises, in its order."""
        by_key = {i.key: i for i in self.items}
        return [by_key[key] for key in question.targets]


class _State:
    """One item's Leitner progress while the journals are read; `progress()` hands it to DrillItem."""

    PROGRESS = ("box", "misses", "hits", "last_result", "last_session", "last_date")
    """The DrillItem fields this state counts, under the same names."""
    __slots__ = (*PROGRESS, "last", "order")

    def __init__(self, order: int):
        self.box = 1
        self.misses = 0
        self.hits = 0
        self.last_result = "missed"
        self.last_session = ""
        self.last_date = ""
        self.last = 0
        """The session clock when it was last seen."""
        self.order = order

    def progress(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.PROGRESS}


def build_drill_plan(records: list[SessionRecord], bank: Bank | None) -> DrillPlan:
    """The plan after `records` (oldest first). Pure: same journals, same plan."""
    states: dict[str, _State] = {}
    meta: dict[str, tuple[SessionRecord, str, str]] = {}  # key -> (record, question_id, kind)
    mastered: list[str] = []
    clock = 0
    as_of = None
    for record in records:
        questions = graded_questions(record)
        if not questions:
            continue
        clock += 1
        as_of = record.session_id
        day = (record.started or "")[:10]
        for q in questions:
            grade = q.grade or {}
            substantive = grade.get("status", "graded") == "graded"
            try:
                results = [
                    ("key_point", str(k["id"]), not k.get("covered"))
                    for k in grade.get("key_points", [])
                ] + [
                    ("misconception", str(m["id"]), bool(m.get("detected")))
                    for m in grade.get("misconceptions", [])
                ]
            except (KeyError, TypeError, AttributeError):
                continue  # a grade this version cannot read
            for kind, item_id, weak in results:
                if not item_id:
                    continue
                key = f"{q.question_id}:{item_id}"
                st = states.get(key)
                if weak:
                    if st is None:
                        st = states[key] = _State(len(states))
                    st.box = 1
                    st.misses += 1
                    st.last_result = "missed" if kind == "key_point" else "claimed"
                elif st is None or (kind == "misconception" and not substantive):
                    continue
                else:
                    st.box += 1
                    st.hits += 1
                    st.last_result = "covered" if kind == "key_point" else "avoided"
                st.last, st.last_session, st.last_date = clock, record.session_id, day
                meta[key] = (record, q.question_id, kind)
                if st.box >= MASTERED_BOX:
                    del states[key]
                    mastered.append(key)
                elif key in mastered:
                    mastered.remove(key)

    ranked: list[tuple[tuple, DrillItem]] = []
    for key, st in states.items():
        record, qid, kind = meta[key]
        rubric = rubric_for(record, qid, bank)
        item_id = key.split(":", 1)[1]
        topic = rubric.topic if rubric else "custom"
        text, correction, weight = item_id, None, 1.0
        if rubric is not None and kind == "key_point" and (kp := rubric.key_point(item_id)):
            text, weight = kp.text, kp.weight
        if rubric is not None and kind == "misconception" and (mc := rubric.misconception(item_id)):
            text, correction = mc.claim, mc.correction
        due = max(1, st.last + INTERVALS[st.box] - clock)
        item = DrillItem(
            key=key,
            kind=kind,
            id=item_id,
            question_id=qid,
            topic=topic,
            **st.progress(),
            text=text,
            correction=correction,
            due_in_sessions=due,
            due_date=_plus_days(st.last_date, DAYS[st.box]),
            practice=_practice(rubric, qid, item_id),
        )
        rank = (due, st.box, 0 if kind == "misconception" else 1, -st.misses, -weight, st.order)
        ranked.append((rank, item))
    ranked.sort(key=lambda pair: pair[0])
    items = [item for _, item in ranked]

    schedule: dict[int, list[str]] = {}
    for item in items:
        slot = item.due_in_sessions
        while len(schedule.get(slot, [])) >= PER_SESSION:
            slot += 1
        if slot <= HORIZON:
            schedule.setdefault(slot, []).append(item.key)
    slots = [ScheduleSlot(session=n, items=keys) for n, keys in sorted(schedule.items())]

    by_key = {i.key: i for i in items}
    next_q: dict[str, NextQuestion] = {}
    for key in schedule.get(1, []):
        item = by_key[key]
        record, qid, _ = meta[key]
        if qid not in next_q:
            rubric = rubric_for(record, qid, bank)
            asked = question_event(record, qid).get("text")
            question = rubric.question if rubric else str(asked or qid)
            next_q[qid] = NextQuestion(question_id=qid, question=question, targets=[])
        next_q[qid].targets.append(key)
    return DrillPlan(
        as_of=as_of,
        sessions_counted=clock,
        items=items,
        schedule=slots,
        next_session=list(next_q.values()),
        mastered=sorted(mastered),
    )


def _practice(rubric, question_id: str, item_id: str) -> list[PracticeQuestion]:
    if rubric is None:
        return []
    probes = sorted(
        (p for p in rubric.probes if item_id in p.targets), key=lambda p: (p.depth, p.id)
    )
    out = [
        PracticeQuestion(question_id=question_id, probe_id=p.id, text=p.question) for p in probes
    ]
    out.append(PracticeQuestion(question_id=question_id, text=rubric.question))
    return out


def _plus_days(day: str, days: int) -> str:
    try:
        return (date.fromisoformat(day) + timedelta(days=days)).isoformat()
    except ValueError:
        return ""
