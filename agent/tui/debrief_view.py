"""How the debrief screen shows one question of a `SessionReport` (agent.report.model): the same
report the Markdown, HTML and JSON debriefs render, drawn as Rich Text for the detail pane.

No Textual here: pure functions of the report, so unit tests can check them.
"""

from __future__ import annotations

from rich.text import Text

from agent.report.model import BetterAnswer, Delivery, QuestionReport
from agent.tui.data import score_style, score_text

EVIDENCE_STYLE = "bold black on #e5c07b"
"""Evidence quotes in the answer: readable on the dark and the light theme."""


def answer_text(q: QuestionReport) -> str:
    """Everything the candidate said that was graded, one answer a line."""
    return "\n".join(q.graded_answers())


def evidence_quotes(q: QuestionReport) -> list[str]:
    """Every verbatim quote the grade used (criteria, key points, misconceptions), once each."""
    quotes = [e for c in q.criteria for e in c.evidence]
    quotes += [e for k in q.key_points for e in k.evidence]
    quotes += [e for m in q.misconceptions for e in m.evidence]
    return list(dict.fromkeys(x for x in quotes if x.strip()))


def evidence_spans(answer: str, quotes: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every exact occurrence of each quote in the answer (case-insensitive),
    merged where they overlap."""
    spans = []
    low = answer.lower()
    for quote in quotes:
        q = quote.strip().lower()
        if not q:
            continue
        start = low.find(q)
        while start >= 0:
            spans.append((start, start + len(q)))
            start = low.find(q, start + len(q))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def reference_view(better: BetterAnswer, score: float | None) -> tuple[str, str]:
    """(label, text) of the reference answer at the depth the score calls for: a strong answer
    (>= 3) gets the short version, anything less the standard one; the deep material follows
    when the report carries it (a strong answer, or one the interviewer probed)."""
    if better.source != "reference" or not better.text:
        return "", ""
    strong = score is not None and score >= 3.0
    use_short = strong and bool(better.short)
    parts = [(better.short or "") if use_short else better.text]
    label = "short" if use_short else "standard"
    if better.deep:
        parts.append("Going deeper: " + better.deep)
        label += " + deep"
    return label, "\n\n".join(parts)


def delivery_lines(d: Delivery) -> list[str]:
    """Delivery metrics as short phrases, in the order a candidate reads them."""
    out: list[str] = []
    if d.words_per_minute is not None:
        out.append(f"pace: {d.words_per_minute:.0f} words/min")
    if d.fillers is not None:
        line = f"fillers: {d.fillers}"
        if d.filler_words:
            top = sorted(d.filler_words.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
            line += " (" + ", ".join(f"{w} x{n}" for w, n in top) + ")"
        out.append(line)
    if d.hedges is not None:
        out.append(f"hedges: {d.hedges}")
    if d.long_pauses is not None:
        out.append(f"long pauses: {d.long_pauses}")
    if d.longest_pause is not None:
        out.append(f"longest pause: {d.longest_pause:.1f} s")
    if d.time_to_first_word is not None:
        out.append(f"first word after: {d.time_to_first_word:.1f} s")
    if d.speaking_time is not None:
        out.append(f"speaking: {d.speaking_time:.0f} s")
    return out


def render_question(q: QuestionReport) -> Text:
    """The detail pane for one question (candidate text is never markup)."""
    out = Text()
    out.append(f"Q{q.index} ", style="bold")
    out.append(q.question, style="bold")
    out.append("\n")
    grader = f"  graded by {q.grader}" if q.grader else ""
    out.append(f"{q.topic}  ", style="dim")
    out.append(score_text(q.score), style=score_style(q.score))
    out.append(f"{grader}  follow-ups {len(q.follow_ups)}\n", style="dim")

    out.append("\nCriteria\n", style="bold underline")
    if not q.criteria:
        out.append("  not graded\n", style="dim")
    for c in q.criteria:
        out.append(f"  {c.score}/4 ", style=score_style(float(c.score)))
        out.append(c.name)
        if c.rationale:
            out.append(f"  {c.rationale}", style="dim")
        out.append("\n")

    out.append("\nYour answer", style="bold underline")
    out.append("  (evidence the grader used is highlighted)\n", style="dim")
    said = answer_text(q)
    if said.strip():
        answer = Text(said)
        for start, end in evidence_spans(said, evidence_quotes(q)):
            answer.stylize(EVIDENCE_STYLE, start, end)
        out.append("  ")
        out.append_text(answer)
        out.append("\n")
    else:
        out.append("  (no answer)\n", style="dim")

    if q.missed_key_points:
        out.append("\nMissed key points\n", style="bold underline")
        for kp in q.missed_key_points:
            out.append(f"  - {kp.text}\n")
    if q.misconceptions:
        out.append("\nMisconceptions\n", style="bold underline")
        for m in q.misconceptions:
            out.append("  x ", style="bold red")
            out.append(m.claim)
            out.append("\n    -> ", style="dim")
            out.append(m.correction, style="green")
            out.append("\n")
    label, reference = reference_view(q.better_answer, q.score)
    if q.better_answer.source == "llm" and q.better_answer.text:
        out.append("\nA better answer\n", style="bold underline")
        out.append(f"  {q.better_answer.text}\n")
    elif reference:
        out.append(f"\nReference answer ({label})\n", style="bold underline")
        out.append(f"  {reference}\n")
    spoken = [t.delivery for t in q.turns if t.delivery is not None]
    if spoken:
        out.append("\nDelivery\n", style="bold underline")
        for d in spoken:
            out.append("  " + "; ".join(delivery_lines(d)) + "\n")
    for note in q.notes:
        out.append(f"\n({note})", style="dim italic")
    return out
