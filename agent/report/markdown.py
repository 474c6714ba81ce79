"""Markdown debriefs: the session report (`viva debrief ID`) and the progress view.

The candidate's words are data: Markdown and HTML control characters in them are
backslash-escaped, so an answer containing `<script>` or `**` shows as typed in any renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from agent.report.model import Delivery, QuestionReport, SessionReport, Span

if TYPE_CHECKING:
    from agent.grading.models import Disagreement
    from agent.report.drill import DrillPlan
    from agent.report.progress import ProgressReport

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def esc(text: str) -> str:
    """Escape Markdown/HTML syntax so text renders literally (the candidate's words, and
    anything else read from a journal or an imported file)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def lite(text: str) -> str:
    """Rubric text (trusted, may use Markdown-ish symbols): only keep it from forming HTML tags."""
    return _TAG_START.sub(r"\\<", text)


def fmt_score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.1f}/4"


def bar(score: float | None, width: int = 4) -> str:
    if score is None:
        return "·" * width
    filled = round(max(0.0, min(4.0, score)) / 4 * width)
    return "█" * filled + "░" * (width - filled)


def delivery_items(d: Delivery | None) -> list[tuple[str, str]]:
    """(label, value) pairs of the metrics present, in a fixed order."""
    if d is None:
        return []
    out: list[tuple[str, str]] = []
    if d.words_per_minute is not None:
        out.append(("pace", f"{d.words_per_minute:.0f} words/min"))
    if d.words is not None:
        out.append(("words", str(d.words)))
    if d.sentences is not None:
        out.append(("sentences", str(d.sentences)))
    if d.fillers is not None:
        detail = ", ".join(f"{k} ×{v}" for k, v in d.filler_words.items())
        out.append(("fillers", f"{d.fillers}" + (f" ({detail})" if detail else "")))
    if d.hedges is not None:
        out.append(("hedges", str(d.hedges)))
    if d.long_pauses is not None:
        longest = f", longest {d.longest_pause:.1f} s" if d.longest_pause is not None else ""
        out.append(("long pauses", f"{d.long_pauses}{longest}"))
    if d.time_to_first_word is not None:
        out.append(("time to first word", f"{d.time_to_first_word:.1f} s"))
    if d.speaking_time is not None:
        out.append(("speaking time", f"{d.speaking_time:.0f} s"))
    return out


def disagreement_evidence(d: Disagreement, quote: Callable[[str], str]) -> list[str]:
    """The 'LLM evidence: ...' and 'offline evidence: ...' lines of a grader disagreement, each
    quote rendered by `quote` ('no quote' where a grader gave none); both debriefs use them."""
    return [
        f"{who} evidence: " + ("; ".join(quote(x) for x in quotes) or "no quote")
        for who, quotes in (("LLM", d.llm_evidence), ("offline", d.offline_evidence))
    ]


def question_notes(
    q: QuestionReport, esc: Callable[[str], str], quote: Callable[[str], str], *, labelled: bool
) -> list[tuple[str, str, list[str]]]:
    """The notes above a question's answers, as (label, text, evidence lines): each note of the
    report and a failed LLM grade (label 'Note'), then each grader disagreement (label 'Graders
    disagree on <criterion>', its evidence lines). Values are escaped by `esc`, quotes rendered
    by `quote`; `labelled`: the 'Note' label is shown before the text (so the failed-grade
    sentence goes on in lower case). Both debriefs render these."""
    out: list[tuple[str, str, list[str]]] = [("Note", esc(note), []) for note in q.notes]
    if q.fallback:
        start = "the" if labelled else "The"
        failed = f"{start} LLM grade failed ({esc(q.fallback)}); this is the offline grade."
        out.append(("Note", failed, []))
    for d in q.disagreement:
        scores = f"LLM {d.llm_score:g}/4, offline {d.offline_score:g}/4."
        out.append(
            (f"Graders disagree on {esc(d.criterion)}", scores, disagreement_evidence(d, quote))
        )
    return out


def _highlight(text: str, spans: list[Span]) -> str:
    out, pos = [], 0
    for sp in spans:
        out.append(esc(text[pos : sp.start]))
        mark = "**" if sp.kind == "evidence" else "~~"
        # emphasis cannot span lines in Markdown: mark each line of the quote on its own
        pieces = [p for p in text[sp.start : sp.end].split("\n")]
        out.append("\n".join(f"{mark}{esc(p)}{mark}" if p.strip() else p for p in pieces))
        pos = sp.end
    out.append(esc(text[pos:]))
    return "".join(out)


def _quote(text: str) -> str:
    lines = text.strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def _when(ts: str | None) -> str:
    return (ts or "")[:16].replace("T", " ") + (" UTC" if ts else "")


def render_session(report: SessionReport) -> str:
    r = report
    out: list[str] = [f"# Debrief: session {r.session_id}", ""]
    ended = f" ({r.end_reason})" if r.end_reason else ""
    out.append(
        f"Track **{esc(r.track)}** · mode {r.mode} · {_when(r.started)} · {r.status}{ended} · "
        f"grader {esc(r.grader)} · interviewer {esc(r.policy)}"
    )
    out.append("")
    out.append(
        f"**Overall {fmt_score(r.overall)}** · answered {r.answered} of {r.asked} asked "
        f"({r.planned} planned)"
    )
    out.append("")
    if r.notices:
        out += ["## Notices", ""] + [f"- {esc(n)}" for n in r.notices] + [""]
    out += ["## Scores by topic", "", "| Topic | Score | | Questions |", "|---|---|---|---|"]
    for t in r.topics:
        out.append(
            f"| {t.topic} | {fmt_score(t.score)} | {bar(t.score)} | {', '.join(t.questions)} |"
        )
    out.append("")
    if r.delivery is not None:
        out += ["## Delivery", ""]
        out += [f"- {label}: {value}" for label, value in delivery_items(r.delivery)] + [""]
    if any(len(t.points) > 1 for t in r.trend):
        out += ["## Trend by topic (this session and earlier ones)", ""]
        for trend in r.trend:
            pts = " → ".join(f"{p.score:.1f}" for p in trend.points)
            out.append(f"- {trend.topic}: {pts}")
        out.append("")
    out += ["## Questions", ""]
    for q in r.questions:
        out += _question(q)
    out += drill_section(r.drill, heading="## Drill plan")
    return "\n".join(out).rstrip() + "\n"


def _question(q: QuestionReport) -> list[str]:
    out = [f"### {q.index}. {esc(q.question_id)}: {fmt_score(q.score)} ({q.topic})", ""]
    meta = []
    if q.status and q.status != "graded":
        meta.append(f"status: {q.status}")
    if q.grader:
        meta.append(f"grader: {q.grader}" + (f" ({esc(q.model)})" if q.model else ""))
    if q.match is not None:
        sim = f", similarity {q.match.similarity:.2f}" if q.match.similarity is not None else ""
        meta.append(f"matched by {q.match.by}{sim}")
    if meta:
        out += ["_" + "; ".join(meta) + "_", ""]
    notes = question_notes(q, esc, lambda x: f'"{esc(x)}"', labelled=True)
    for label, text, evidence in notes:
        out.append(f"> **{label}:** {text}")
        out += [f"> - {line}" for line in evidence]
    if notes:
        out.append("")
    for t in q.turns:
        out.append(f"**{t.label}:** {esc(t.question)}")
        out.append("")
        if t.answer is None:
            out += ["_(no answer)_", ""]
            continue
        detail = t.answer_detail()
        out.append(f"_Answer ({detail}):_" if detail else "_Answer:_")
        out.append("")
        out.append(
            _quote(_highlight(t.answer, t.highlights)) if t.answer.strip() else "> _(empty)_"
        )
        out.append("")
    if q.criteria:
        out += ["**Criteria**", "", "| Criterion | Score | | Why |", "|---|---|---|---|"]
        for c in q.criteria:
            why = esc(c.rationale) if c.rationale else lite(c.level or "").replace("|", "\\|")
            if not c.supported:
                why += " (credit withheld: the quoted evidence was not in the answer)"
            if c.evidence:
                why += " · evidence: " + "; ".join(f"“{esc(e)}”" for e in c.evidence)
            out.append(f"| {esc(c.name)} | {c.score}/4 | {bar(c.score)} | {why} |")
        out.append("")
    if q.missed_key_points:
        out += ["**Missed key points**", ""]
        out += [f"- {lite(k.text)} (`{k.id}`)" for k in q.missed_key_points] + [""]
    if q.misconceptions:
        out += ["**Misconceptions**", ""]
        for m in q.misconceptions:
            said = "; ".join(f"“{esc(e)}”" for e in m.evidence)
            out.append(f"- Wrong: {lite(m.claim)}" + (f" (you said {said})" if said else ""))
            if m.correction:
                out.append(f"  - Correction: {lite(m.correction)}")
        out.append("")
    if q.follow_ups:
        out += ["**Follow-ups asked**", ""] + [f"- {esc(f)}" for f in q.follow_ups] + [""]
    items = delivery_items(q.delivery)
    if items:
        label = "Delivery" if q.delivery and q.delivery.timed() else "Structure"
        out += [f"**{label}:** " + " · ".join(f"{a}: {b}" for a, b in items), ""]
    b = q.better_answer
    if b.source == "llm":
        out += ["**Better answer** (written by the LLM)", "", _quote(esc(b.text)), ""]
    elif b.source == "reference":
        out += [f"**Reference answer** ({b.depth})", ""]
        if b.short:
            out += [f"_In 20 seconds:_ {lite(b.short)}", ""]
        out += [_quote(lite(b.text)), ""]
        if b.deep:
            out += ["_Going deeper:_", "", _quote(lite(b.deep)), ""]
    if b.outline and b.source != "none":
        out += ["_A full answer covers:_", ""] + [f"- {lite(x)}" for x in b.outline] + [""]
    if b.note:
        out += [f"_{esc(b.note)}_", ""]
    return out


def drill_section(plan: DrillPlan, heading: str) -> list[str]:
    out = [heading, ""]
    if not plan.items:
        return out + [plan.empty_note, ""]
    out += [plan.intro, ""]
    if plan.next_session:
        out += ["### Next session", ""]
        for n, nq in enumerate(plan.next_session, 1):
            out.append(f"{n}. **{esc(nq.question_id)}**: {esc(nq.question)}")
            for item in plan.targets_of(nq):
                out.append(f"   - {item.heading}: {lite(item.text)}")
                out += [f"     - {label}: {_note(label, lite(text))}" for label, text in item.notes]
        out.append("")
    out += ["### Schedule", "", "| Sessions from now | Drill |", "|---|---|"]
    for slot in plan.schedule:
        out.append(f"| {slot.when} | {', '.join(f'`{k}`' for k in slot.items)} |")
    out.append("")
    return out


def _note(label: str, text: str) -> str:
    """A drill note's text; the probe to practise is a question put to you, so it is quoted."""
    return f"“{text}”" if label == "practise" else text


def render_progress(progress: ProgressReport) -> str:
    p = progress
    out = ["# Progress", ""]
    out.append(f"{p.sessions} session(s), {p.graded_sessions} with grades; {_span(p)}")
    out.append("")
    if p.overall:
        out += ["## Overall score by session", "", "| Session | Date | Track | Mode | Score |"]
        out.append("|---|---|---|---|---|")
        for s in p.overall:
            out.append(
                f"| {s.session_id} | {s.date} | {esc(s.track)} | {s.mode} | {fmt_score(s.score)} |"
            )
        out.append("")
    out += ["## Per-topic trend", ""]
    if not p.trend:
        out += ["No graded sessions yet.", ""]
    for t in p.trend:
        pts = " → ".join(f"{pt.score:.1f}" for pt in t.points)
        last = t.points[-1].score
        change = ""
        if len(t.points) > 1:
            delta = last - t.points[0].score
            change = f" ({'+' if delta >= 0 else ''}{delta:.1f} since {t.points[0].date})"
        out.append(f"- **{t.topic}** {bar(last)} {pts}{change}")
    out.append("")
    out += ["## Most frequent misconceptions", ""]
    if not p.misconceptions:
        out += ["None detected so far.", ""]
    for m in p.misconceptions:
        out.append(f"- ×{m.count} **{esc(m.question_id)}**: {lite(m.claim)} (last {m.last_date})")
        if m.correction:
            out.append(f"  - Correction: {lite(m.correction)}")
    out.append("")
    out += drill_section(p.drill, heading="## Drill plan")
    return "\n".join(out).rstrip() + "\n"


def _span(p: ProgressReport) -> str:
    if not p.overall:
        return "nothing graded yet"
    return f"from {p.overall[0].date} to {p.overall[-1].date}"
