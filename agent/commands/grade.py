"""`viva grade`: grade one answer against a rubric (by question id) or a reference answer."""

from __future__ import annotations

import argparse
import sys

WIDTH = 88


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from agent.commands.flags import add_grading_flags, add_provider_flags

    q = parser.add_argument_group("the question (one of)")
    q.add_argument(
        "--question", metavar="ID", help="question id from the bank (see 'viva rubrics list')"
    )
    q.add_argument(
        "--question-text",
        metavar="Q",
        help="a custom question's text; needs --reference (reference-answer mode)",
    )
    q.add_argument("--reference", metavar="R", help="the reference answer for --question-text")
    a = parser.add_argument_group("the answer (one of)")
    a.add_argument("--answer", metavar="TEXT", help="the answer text")
    a.add_argument(
        "--answer-file",
        metavar="F",
        help="read the answer from file F ('-' = stdin)",
    )
    add_grading_flags(
        parser,
        grader_help=(
            "offline (no model), llm (needs a provider), auto (llm if configured); default: config"
        ),
        json_help="print the grade as JSON",
    )
    add_provider_flags(parser)


def read_answer(args: argparse.Namespace) -> str:
    from agent.commands.flags import read_input_file
    from agent.errors import UsageError

    if (args.answer is None) == (args.answer_file is None):
        raise UsageError("give the answer with exactly one of --answer TEXT or --answer-file F")
    if args.answer is not None:
        return args.answer
    if args.answer_file == "-":
        return sys.stdin.read()
    return read_input_file(args.answer_file, "answer file")


def resolve_rubric(args: argparse.Namespace):
    from agent.errors import UsageError

    if args.question and args.question_text:
        raise UsageError(
            "give either --question ID or --question-text Q (with --reference), not both"
        )
    if args.question:
        if args.reference:
            raise UsageError("--reference goes with --question-text, not with --question")
        from agent.bank.loader import load_bank

        return load_bank().rubric(args.question)
    if args.question_text:
        if not args.reference or not args.reference.strip():
            raise UsageError(
                "--question-text needs --reference R (the reference answer to grade against)"
            )
        if not args.question_text.strip():
            raise UsageError("--question-text is empty")
        from agent.bank.loader import derive_rubric

        try:
            return derive_rubric("custom-question", args.question_text, args.reference)
        except ValueError as exc:
            raise UsageError(f"cannot grade against this reference: {exc}") from None
    raise UsageError("say which question: --question ID, or --question-text Q --reference R")


def run(args: argparse.Namespace) -> int:
    import json

    from agent.commands.flags import settings_overrides
    from agent.config import load_settings
    from agent.grading.service import make_grader

    rubric = resolve_rubric(args)
    answer = read_answer(args)
    settings = load_settings(**settings_overrides(args))
    grader = make_grader(settings, mode=args.grader)
    grade = grader.grade(rubric, answer)
    if args.json:
        print(json.dumps(grade.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print(render(rubric, grade))
    if grade.fallback:
        print(f"viva: warning: {grade.fallback}", file=sys.stderr)
    return 0


def render(rubric, grade) -> str:
    """The grade as plain text: overall, criteria with evidence, key points, misconceptions."""
    import textwrap

    def wrap(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [
            indent
        ]

    who = "offline grader" if grade.grader == "offline" else f"LLM grader ({grade.model})"
    lines = [
        f"{rubric.id}: {rubric.question}" if not rubric.derived else f"Question: {rubric.question}"
    ]
    lines.append(
        f"Overall: {grade.overall:.2f} / 4   ({who}{', ' + grade.status if grade.status != 'graded' else ''})"
    )
    if grade.fallback:
        lines += wrap(f"Note: {grade.fallback}", "  ")
    for note in grade.notes:
        lines += wrap(f"Note: {note}", "  ")
    names = {c.id: c.name for c in rubric.criteria}
    lines.append("")
    lines.append("Criteria:")
    for c in grade.criteria:
        flag = "" if c.supported else "  (unsupported)"
        lines.append(f"  {c.score}/4  {names.get(c.id, c.id)} [{c.id}]{flag}")
        if c.rationale:
            lines += wrap(c.rationale, "        ")
        for e in c.evidence:
            lines += wrap(f'"{e}"', "        > ")
    if grade.key_points:
        # covered; not covered but quoted = mentioned without being explained; else missed
        covered = [k for k in grade.key_points if k.covered]
        mentioned = [k for k in grade.key_points if not k.covered and k.evidence]
        missed = [k for k in grade.key_points if not k.covered and not k.evidence]
        text = {k.id: k.text for k in rubric.key_points}
        lines.append("")
        lines.append(f"Key points covered ({len(covered)}/{len(grade.key_points)}):")
        for k in covered:
            lines += wrap(f"+ {k.id}: {text.get(k.id, '')}", "  ")
        if mentioned:
            lines.append("Key points mentioned but not explained:")
            for k in mentioned:
                lines += wrap(f"~ {k.id}: {text.get(k.id, '')}", "  ")
                for e in k.evidence[:1]:
                    lines += wrap(f'"{e}"', "      > ")
        if missed:
            lines.append("Key points missed:")
            for k in missed:
                lines += wrap(f"- {k.id}: {text.get(k.id, '')}", "  ")
    detected = [m for m in grade.misconceptions if m.detected]
    if detected:
        lines.append("")
        lines.append("Misconceptions:")
        for m in detected:
            mc = rubric.misconception(m.id)
            lines += wrap(f"! {m.id}: {mc.claim if mc else ''}", "  ")
            for e in m.evidence:
                lines += wrap(f'"{e}"', "      > ")
            if mc:
                lines += wrap(f"Correction: {mc.correction}", "      ")
    return "\n".join(lines)
