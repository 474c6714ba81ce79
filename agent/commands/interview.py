"""`viva interview`: the Textual app, or plain text with `--no-tui`.

Plain-text protocol: the interviewer prints a prompt; the candidate types an answer ending with
an empty line; EOF (Ctrl-D) ends the session. `--jsonl` prints every journal event as one JSON
object per line instead (question events carry `id`, `question_id`, `text`, `follow_up`,
`targets`; the last line is `{"type": "summary", ...}`).
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agent.commands.flags import add_provider_flags

    parser.add_argument(
        "--track", help="interview plan to run (see 'viva rubrics tracks'); default from config"
    )
    parser.add_argument("--no-tui", action="store_true", help="plain text over stdin/stdout")
    parser.add_argument(
        "--jsonl", action="store_true", help="with --no-tui: one JSON event per line on stdout"
    )
    parser.add_argument(
        "--resume", metavar="ID", help="continue an interrupted session (see 'viva sessions list')"
    )
    parser.add_argument("--voice", action="store_true", help="answer by voice (TUI only)")
    parser.add_argument(
        "--cv",
        metavar="FILE",
        help="import your resume (PDF, Word, Markdown, text) first; the project deep dive "
        "asks about your main project (default track with --cv: project-deep-dive)",
    )
    parser.add_argument(
        "--grader", choices=["auto", "offline", "llm"], help="who grades (default: config)"
    )
    parser.add_argument(
        "--policy",
        choices=["auto", "offline", "llm"],
        help="who picks follow-ups (default: config)",
    )
    parser.add_argument(
        "--max-follow-ups",
        type=int,
        metavar="N",
        help="at most N follow-ups per question",
    )
    add_provider_flags(parser)


def run(args: argparse.Namespace) -> int:
    from agent.commands.flags import settings_overrides
    from agent.config import load_settings
    from agent.errors import UsageError

    if args.jsonl and not args.no_tui:
        raise UsageError("--jsonl needs --no-tui")
    overrides = settings_overrides(args)
    if args.grader:
        overrides["grader_mode"] = args.grader
    if args.policy:
        overrides["policy_mode"] = args.policy
    if args.max_follow_ups is not None:
        overrides["max_follow_ups"] = args.max_follow_ups
    settings = load_settings(**overrides)
    if args.cv:
        from agent.cv.importing import import_cv

        profile, kept = import_cv(args.cv)
        main = profile.main_project()
        print(
            f"viva: read {len(profile.projects)} project(s) from {args.cv} (kept in {kept}); "
            f"the deep dive asks about {main.name if main else 'none'}",
            file=sys.stderr,
        )
        if not args.track and not args.resume:
            args.track = "project-deep-dive"
    if not args.no_tui:
        try:
            from agent.tui.app import run_app
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("agent.tui"):
                raise
            raise UsageError(
                "the interactive app is not available in this build; run 'viva interview --no-tui'"
            ) from None
        return int(
            run_app(
                settings,
                track=args.track,
                mode="voice" if args.voice else "text",
                resume=args.resume,
            )
            or 0
        )
    if args.voice:
        raise UsageError("--voice needs the app; --no-tui reads typed answers")
    return PlainText(settings, jsonl=args.jsonl).run(track=args.track, resume=args.resume)


class PlainText:
    """The interview over stdin/stdout, for scripts, screen readers and CI."""

    def __init__(self, settings, *, jsonl: bool, stdin=None, stdout=None):
        import threading

        self.settings = settings
        self.jsonl = jsonl
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self._out_lock = threading.Lock()
        self._typed: list[str] = []
        """The lines of the answer being typed (kept as a draft if the interview stops)."""

    # ---- output ----
    def _line(self, text: str = "") -> None:
        with self._out_lock:
            self.stdout.write(text + "\n")
            self.stdout.flush()

    def _json(self, obj: dict) -> None:
        import json

        self._line(json.dumps(obj, ensure_ascii=False))

    def _on_event(self, event: dict) -> None:
        if not self.jsonl:
            return
        out = dict(event)
        if out.get("type") == "question":
            out["id"] = f"t{out.get('turn')}"
        self._json(out)

    def _show(self, prompt) -> None:
        if self.jsonl or prompt is None:
            return
        if prompt.kind in ("question",):
            label = f"[Question {prompt.index}/{prompt.total}]"
        elif prompt.kind == "follow_up":
            label = "[Follow-up]"
        else:
            label = f"[{prompt.kind.replace('_', ' ').capitalize()}]"
        self._line()
        self._line(f"{label} {prompt.text}")
        self._line("(answer, then an empty line; Ctrl-D ends the interview)")

    def _notices(self, notices) -> None:
        for message in notices:
            if self.jsonl:
                continue  # already printed as a notice event
            self._line(f"(note) {message}")

    # ---- input ----
    def _read_answer(self) -> str | None:
        """Lines up to an empty line. None at EOF with nothing typed."""
        lines = self._typed = []
        while True:
            line = self.stdin.readline()
            if line == "":
                return "\n".join(lines) if lines else None
            line = line.rstrip("\r\n")
            if not line.strip():
                if lines:
                    return "\n".join(lines)
                return ""
            lines.append(line)

    # ---- loop ----
    def run(self, *, track: str | None, resume: str | None) -> int:
        from agent.interview.engine import Interview

        if resume:
            iv = Interview.resume(self.settings, resume, on_event=self._on_event)
        else:
            iv = Interview.start(self.settings, track, mode="text", on_event=self._on_event)
        if not self.jsonl:
            self._line(
                f"Viva mock interview: track {iv.track_id}, session {iv.session_id}, "
                f"{iv.state.budget_seconds / 60:.0f} min, interviewer {iv.policy_label}, grader {iv.grader_label}."
            )
        try:
            while iv.current is not None:
                self._show(iv.current)
                if iv.draft and not self.jsonl:
                    self._line("(your unsent answer from last time, to type again or change:)")
                    self._line(iv.draft)
                text = self._read_answer()
                self._typed = []  # sent (or EOF): no longer a draft
                if text is None:
                    iv.end("eof")
                    break
                reply = iv.answer(text, source="typed")
                self._notices(reply.notices)
        except KeyboardInterrupt:
            draft = "\n".join(self._typed)
            iv.end("quit", draft=draft)
            if not self.jsonl:
                kept = " with your unsent answer" if draft.strip() else ""
                self._line(f"\n'viva interview --resume {iv.session_id}' continues it{kept}.")
            raise
        iv.wait_for_grades(timeout=max(30.0, self.settings.call_budget))
        self._notices(iv.take_notices())
        summary = iv.summary()
        iv.close()
        if self.jsonl:
            self._json({"type": "summary", **summary.to_dict()})
        else:
            self._print_summary(summary)
        return 0

    def _print_summary(self, s) -> None:
        self._line()
        self._line(
            f"Session {s.session_id} ({s.status}); saved. Review it with 'viva debrief {s.session_id}'."
        )
        overall = "-" if s.overall is None else f"{s.overall:.1f}/4"
        self._line(
            f"Overall {overall}; answered {s.answered} of {s.asked} asked ({s.planned} planned), "
            f"{s.elapsed / 60:.1f} min."
        )
        for q in s.questions:
            score = "  -  " if q.score is None else f"{q.score:.1f}/4"
            extra = (
                f", {q.follow_ups} follow-up{'s' if q.follow_ups != 1 else ''}"
                if q.follow_ups
                else ""
            )
            self._line(f"  {score}  {q.question_id}{extra}")
        if s.weakest:
            self._line("Weakest points:")
            for text in s.weakest:
                self._line(f"  - {text}")
