"""HTML debriefs: ONE self-contained file (inline CSS, JS and SVG; no network, no external
fonts), readable on a phone, with per-criterion bars and a per-topic trend chart.

Every piece of text is HTML-escaped: the candidate's answer is data, so `<script>` in it shows
as text. A Content-Security-Policy allows no network at all and only the one inline script this
module writes (by its hash), so even a hypothetical escaping slip could not run code.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import TYPE_CHECKING

from agent.report.markdown import delivery_items, fmt_score, question_notes
from agent.report.model import QuestionReport, SessionReport, Span, TopicTrend

if TYPE_CHECKING:
    from agent.report.drill import DrillPlan
    from agent.report.progress import ProgressReport

PALETTE = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"]

CSS = """
:root{--fg:#1f2328;--muted:#57606a;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;--accent:#2563eb;
--good:#1a7f37;--bad:#cf222e;--mark:#fff3a3;--wrong:#ffd7d5}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;--card:#161b22;
--line:#30363d;--accent:#58a6ff;--mark:#6b5a00;--wrong:#6e1b1b}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-text-size-adjust:100%}
main{max-width:860px;margin:0 auto;padding:16px}
h1{font-size:1.45rem;margin:.2em 0}h2{font-size:1.2rem;margin:1.4em 0 .5em;border-bottom:1px solid
var(--line);padding-bottom:.2em}h3{font-size:1.05rem;margin:.2em 0 .4em}
.meta,.muted{color:var(--muted);font-size:.9rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;
margin:12px 0;overflow-wrap:anywhere}
.score{font-size:2.2rem;font-weight:700;line-height:1}.score small{font-size:1rem;color:var(--muted)}
.pill{display:inline-block;border:1px solid var(--line);border-radius:999px;padding:0 .6em;
font-size:.8rem;margin-right:.3em;white-space:nowrap}
blockquote{margin:.4em 0;padding:.4em .8em;border-left:4px solid var(--line);white-space:pre-wrap;
background:var(--bg);border-radius:4px}
mark{background:var(--mark);color:inherit;padding:0 .1em;border-radius:2px}
mark.wrong{background:var(--wrong);text-decoration:line-through}
.note{border-left:4px solid var(--accent);padding:.3em .7em;margin:.5em 0;background:var(--bg)}
ul{padding-left:1.2em}li{margin:.2em 0}
svg{display:block;width:100%;height:auto;max-width:640px}
svg text{font-family:system-ui,sans-serif;fill:var(--fg)}
.legend span{display:inline-block;margin-right:.8em;font-size:.85rem;white-space:nowrap}
.legend i{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;
vertical-align:-.05em}
details summary{cursor:pointer;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid var(--line);
padding:.3em .4em;text-align:left;vertical-align:top}
button{font:inherit;padding:.2em .8em;border-radius:6px;border:1px solid var(--line);
background:var(--card);color:var(--fg)}
@media (max-width:520px){main{padding:10px}.score{font-size:1.8rem}}
"""

JS = """
document.addEventListener("DOMContentLoaded", function () {
  document.body.setAttribute("data-ready", "1");
  var button = document.getElementById("toggle-all");
  if (!button || !document.querySelector("details")) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var all = document.querySelectorAll("details");
    var open = button.getAttribute("data-open") !== "1";
    for (var i = 0; i < all.length; i++) { all[i].open = open; }
    button.setAttribute("data-open", open ? "1" : "0");
    button.textContent = open ? "Collapse all" : "Expand all";
  });
});
"""


def e(text: object) -> str:
    return escape(str(text), quote=True)


def _page(title: str, body: str) -> str:
    digest = base64.b64encode(hashlib.sha256(JS.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n<script>{JS}</script>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- charts
def bars_svg(rows: list[tuple[str, float | None]], label: str) -> str:
    """Horizontal 0-4 bars, the label above each bar (legible on a phone)."""
    width, row_h = 320, 38
    height = row_h * len(rows) + 4
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{e(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (name, score) in enumerate(rows):
        y = i * row_h
        value = 0.0 if score is None else max(0.0, min(4.0, float(score)))
        fill = "#1a7f37" if value >= 3 else "#d97706" if value >= 2 else "#cf222e"
        shown = "n/a" if score is None else f"{score:g}/4"
        short = name if len(name) <= 44 else name[:43] + "…"
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{e(short)}</text>')
        parts.append(
            f'<rect x="0" y="{y + 18}" width="{width - 44}" height="12" rx="3" '
            'fill="#8c959f" fill-opacity="0.25"/>'
        )
        parts.append(
            f'<rect x="0" y="{y + 18}" width="{(width - 44) * value / 4:.1f}" height="12" '
            f'rx="3" fill="{fill}"/>'
        )
        parts.append(
            f'<text x="{width}" y="{y + 29}" font-size="12" text-anchor="end">{e(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(trend: list[TopicTrend]) -> str:
    """Per-topic score (0-4) across sessions, one line per topic, sessions in time order."""
    sessions: list[tuple[str, str]] = []
    for t in trend:
        for p in t.points:
            if (p.date, p.session_id) not in sessions:
                sessions.append((p.date, p.session_id))
    sessions.sort()
    index = {sid: i for i, (_, sid) in enumerate(sessions)}
    width, height, left, right, top, bottom = 360, 200, 28, 24, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(sessions) - 1)

    def x(i: int) -> float:
        return left + (plot_w * i / n if len(sessions) > 1 else plot_w / 2)

    def y(score: float) -> float:
        return top + plot_h * (1 - max(0.0, min(4.0, score)) / 4)

    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="score by topic across '
        f'sessions" xmlns="http://www.w3.org/2000/svg">'
    ]
    for s in range(5):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(s):.1f}" y2="{y(s):.1f}" '
            'stroke="#8c959f" stroke-opacity="0.35" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(s) + 4:.1f}" font-size="11" text-anchor="end">{s}</text>'
        )
    per_day: dict[str, int] = {}
    for i, (date, _) in enumerate(sessions):
        per_day[date] = per_day.get(date, 0) + 1
        label = date[5:] or str(i + 1)
        if sum(1 for d, _ in sessions if d == date) > 1:
            label += f" #{per_day[date]}"  # several sessions that day
        if len(sessions) <= 8 or i in (0, len(sessions) - 1) or i % max(1, len(sessions) // 6) == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" font-size="10" text-anchor="middle">'
                f"{e(label)}</text>"
            )
    for k, t in enumerate(trend):
        color = PALETTE[k % len(PALETTE)]
        pts = [(x(index[p.session_id]), y(p.score)) for p in t.points]
        if len(pts) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5" '
                'stroke-linejoin="round"/>'
            )
        for (px, py), p in zip(pts, t.points, strict=True):
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}">'
                f"<title>{e(t.topic)} {p.score:g}/4 ({e(p.date)})</title></circle>"
            )
    parts.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{PALETTE[k % len(PALETTE)]}"></i>{e(t.topic)} '
        f"{t.points[-1].score:g}</span>"
        for k, t in enumerate(trend)
    )
    return "".join(parts) + f'<div class="legend">{legend}</div>'


# --------------------------------------------------------------------------- pieces
def _marked(text: str, spans: list[Span]) -> str:
    out, pos = [], 0
    for sp in spans:
        out.append(e(text[pos : sp.start]))
        cls = "" if sp.kind == "evidence" else ' class="wrong"'
        out.append(f"<mark{cls}>{e(text[sp.start : sp.end])}</mark>")
        pos = sp.end
    out.append(e(text[pos:]))
    return "".join(out)


def _quoted(text: str) -> str:
    """A quote from an answer, escaped and in curly quotes."""
    return f"&ldquo;{e(text)}&rdquo;"


def _delivery(items: list[tuple[str, str]]) -> str:
    if not items:
        return ""
    cells = "".join(f"<tr><th>{e(a)}</th><td>{e(b)}</td></tr>" for a, b in items)
    return f"<table>{cells}</table>"


def _question(q: QuestionReport) -> str:
    h: list[str] = [f'<section class="card" id="q-{e(q.question_id)}">']
    h.append(
        f"<h3>{q.index}. {e(q.question_id)} · {e(fmt_score(q.score))}</h3>"
        f'<div class="meta"><span class="pill">{e(q.topic)}</span>'
    )
    if q.status and q.status != "graded":
        h.append(f'<span class="pill">{e(q.status)}</span>')
    if q.grader:
        h.append(f'<span class="pill">grader {e(q.grader)}</span>')
    if q.match is not None:
        sim = f" {q.match.similarity:.2f}" if q.match.similarity is not None else ""
        h.append(f'<span class="pill">matched by {e(q.match.by)}{e(sim)}</span>')
    h.append("</div>")
    for label, text, evidence in question_notes(q, e, _quoted, labelled=False):
        if label == "Note":
            h.append(f'<p class="note">{text}</p>')
            continue
        h.append(f'<p class="note">{label}: {text}</p><ul>')
        h += [f"<li>{line}</li>" for line in evidence]
        h.append("</ul>")
    for t in q.turns:
        h.append(f"<p><strong>{e(t.label)}:</strong> {e(t.question)}</p>")
        if t.answer is None:
            h.append('<p class="muted">(no answer)</p>')
            continue
        detail = t.answer_detail()
        h.append(f'<div class="muted">Answer{" (" + e(detail) + ")" if detail else ""}</div>')
        body = _marked(t.answer, t.highlights) if t.answer.strip() else "<em>(empty)</em>"
        h.append(f'<blockquote class="answer">{body}</blockquote>')
    if q.criteria:
        h.append("<h4>Criteria</h4>")
        h.append(bars_svg([(c.name, c.score) for c in q.criteria], "score per criterion"))
        h.append("<ul>")
        for c in q.criteria:
            why = c.rationale or c.level or ""
            extra = (
                ""
                if c.supported
                else " (credit withheld: the quoted evidence was not in the answer)"
            )
            ev = "".join(f" <mark>{e(x)}</mark>" for x in c.evidence)
            h.append(f"<li><strong>{e(c.name)}</strong> {c.score}/4: {e(why)}{e(extra)}{ev}</li>")
        h.append("</ul>")
    if q.missed_key_points:
        h.append("<h4>Missed key points</h4><ul>")
        h += [f"<li>{e(k.text)} <code>{e(k.id)}</code></li>" for k in q.missed_key_points]
        h.append("</ul>")
    if q.misconceptions:
        h.append("<h4>Misconceptions</h4><ul>")
        for m in q.misconceptions:
            said = "; ".join(f'<mark class="wrong">{e(x)}</mark>' for x in m.evidence)
            h.append(
                f"<li>Wrong: {e(m.claim)}{(' (you said ' + said + ')') if said else ''}"
                + (f"<br>Correction: {e(m.correction)}" if m.correction else "")
                + "</li>"
            )
        h.append("</ul>")
    if q.follow_ups:
        h.append("<h4>Follow-ups asked</h4><ul>")
        h += [f"<li>{e(f)}</li>" for f in q.follow_ups]
        h.append("</ul>")
    items = delivery_items(q.delivery)
    if items:
        label = "Delivery" if q.delivery and q.delivery.timed() else "Structure"
        h.append(f"<h4>{label}</h4>" + _delivery(items))
    b = q.better_answer
    if b.source != "none":
        title = "Better answer (LLM)" if b.source == "llm" else f"Reference answer ({b.depth})"
        h.append(f"<details><summary>{e(title)}</summary>")
        if b.short:
            h.append(f"<p><em>In 20 seconds:</em> {e(b.short)}</p>")
        h.append(f"<blockquote>{e(b.text)}</blockquote>")
        if b.deep:
            h.append(f"<p><em>Going deeper:</em></p><blockquote>{e(b.deep)}</blockquote>")
        if b.outline:
            h.append("<p><em>A full answer covers:</em></p><ul>")
            h += [f"<li>{e(x)}</li>" for x in b.outline]
            h.append("</ul>")
        h.append("</details>")
    if b.note:
        h.append(f'<p class="muted">{e(b.note)}</p>')
    h.append("</section>")
    return "\n".join(h)


def _drill(plan: DrillPlan) -> str:
    h = ['<h2 id="drill">Drill plan</h2>']
    if not plan.items:
        h.append(f"<p>{e(plan.empty_note)}</p>")
        return "\n".join(h)
    h.append(f'<p class="muted">{e(plan.intro)}</p>')
    if plan.next_session:
        h.append("<h3>Next session</h3><ol>")
        for nq in plan.next_session:
            h.append(f"<li><strong>{e(nq.question_id)}</strong>: {e(nq.question)}<ul>")
            for item in plan.targets_of(nq):
                notes = "".join(
                    f"<br><em>{label.capitalize()}:</em> {e(text)}" for label, text in item.notes
                )
                h.append(f"<li>{e(item.heading)}: {e(item.text)}{notes}</li>")
            h.append("</ul></li>")
        h.append("</ol>")
    h.append("<h3>Schedule</h3><table><tr><th>Sessions from now</th><th>Drill</th></tr>")
    for slot in plan.schedule:
        h.append(f"<tr><td>{e(slot.when)}</td><td>{e(', '.join(slot.items))}</td></tr>")
    h.append("</table>")
    return "\n".join(h)


# --------------------------------------------------------------------------- pages
def render_session(report: SessionReport) -> str:
    r = report
    when = (r.started or "")[:16].replace("T", " ")
    h = [
        f"<h1>Debrief · {e(r.session_id)}</h1>",
        f'<div class="meta">Track {e(r.track)} · {e(r.mode)} · {e(when)} UTC · {e(r.status)}'
        f"{' (' + e(r.end_reason) + ')' if r.end_reason else ''} · grader {e(r.grader)}</div>",
        '<div class="card"><div class="score">'
        f"{'n/a' if r.overall is None else f'{r.overall:.1f}'}<small> / 4 overall</small></div>"
        f'<div class="muted">answered {r.answered} of {r.asked} asked ({r.planned} planned)</div>'
        "</div>",
        '<p><button id="toggle-all" type="button" hidden>Expand all</button></p>',
    ]
    for n in r.notices:
        h.append(f'<p class="note">{e(n)}</p>')
    h.append("<h2>Scores by topic</h2>")
    h.append(bars_svg([(t.topic, t.score) for t in r.topics], "score per topic"))
    if r.trend:
        h.append("<h2>Trend by topic</h2>" + trend_svg(r.trend))
    items = delivery_items(r.delivery)
    if items:
        h.append("<h2>Delivery</h2>" + _delivery(items))
    h.append("<h2>Questions</h2>")
    h += [_question(q) for q in r.questions]
    h.append(_drill(r.drill))
    return _page(f"Viva debrief {r.session_id}", "\n".join(h))


def render_progress(progress: ProgressReport) -> str:
    p = progress
    h = [
        "<h1>Progress</h1>",
        f'<div class="meta">{p.sessions} session(s), {p.graded_sessions} with grades</div>',
        '<p><button id="toggle-all" type="button" hidden>Expand all</button></p>',
        "<h2>Per-topic trend</h2>",
    ]
    h.append(trend_svg(p.trend) if p.trend else "<p>No graded sessions yet.</p>")
    if p.overall:
        h.append(
            "<h2>Sessions</h2><table><tr><th>Session</th><th>Date</th><th>Track</th>"
            "<th>Score</th></tr>"
        )
        for s in p.overall:
            h.append(
                f"<tr><td>{e(s.session_id)}</td><td>{e(s.date)}</td><td>{e(s.track)}</td>"
                f"<td>{e(fmt_score(s.score))}</td></tr>"
            )
        h.append("</table>")
    h.append("<h2>Most frequent misconceptions</h2>")
    if not p.misconceptions:
        h.append("<p>None detected so far.</p>")
    else:
        h.append("<ul>")
        for m in p.misconceptions:
            h.append(
                f"<li>×{m.count} <strong>{e(m.question_id)}</strong>: {e(m.claim)}"
                + (f"<br>Correction: {e(m.correction)}" if m.correction else "")
                + "</li>"
            )
        h.append("</ul>")
    h.append(_drill(p.drill))
    return _page("Viva progress", "\n".join(h))
