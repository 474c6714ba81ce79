"""Subtitle transcripts, SRT and WebVTT: cues labelled by speaker, merged into question and answer
turns, with the delivery timing the cue times give (time to first word, pauses, pace).

The two formats differ only in their header and timing punctuation, so they share one parser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from agent.report.imports.layouts import is_notice
from agent.report.imports.model import (
    LABEL,
    ImportedTurn,
    ParsedText,
    Speakers,
    TranscriptError,
    ends_unanswered,
    looks_like_speaker,
    split_tags,
    text_metrics,
    unknown_speaker,
)

LONG_PAUSE = 2.0
"""Seconds of silence between a candidate's cues counted as a long pause (SRT/VTT)."""

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>", re.IGNORECASE)
_LABEL = re.compile(rf"^\s*(?:>>\s*)?\[?({LABEL})\]?\s*:\s*(.*)$")


@dataclass
class _Cue:
    line: int
    start: float
    end: float
    speaker: str | None
    text: str


def _seconds(groups: tuple) -> float:
    h, m, s, ms = groups
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def _next_cue(block: list[tuple[int, str]], lines: list[str], i: int) -> bool:
    """Line `i` starts the next cue although no blank line came first (captions whose blank
    lines were lost, as in a PDF's text): the block has its timing and text, and line `i` is a
    timing line or a cue number before one."""
    if not any("-->" in ln for _, ln in block[:-1]):
        return False
    if _TIMING.match(lines[i]):
        return True
    return lines[i].strip().isdigit() and i + 1 < len(lines) and bool(_TIMING.match(lines[i + 1]))


def _cues(text: str, path: Path, vtt: bool, speakers: Speakers) -> list[_Cue]:
    lines = text.split("\n")
    i = 0
    if vtt:
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise TranscriptError(path, 1, "a WebVTT file must start with 'WEBVTT'")
        i = 1
        while i < len(lines) and lines[i].strip():  # header lines
            i += 1
    cues: list[_Cue] = []
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start_line = i + 1
        block: list[tuple[int, str]] = []
        while i < len(lines) and lines[i].strip() and not _next_cue(block, lines, i):
            block.append((i + 1, lines[i]))
            i += 1
        first = block[0][1].strip()
        if vtt and re.match(r"^(NOTE|STYLE|REGION)\b", first):
            continue
        timing_at = next((k for k, (_, ln) in enumerate(block) if "-->" in ln), None)
        if timing_at is None or timing_at > 1:
            raise TranscriptError(
                path,
                start_line,
                "expected a cue timing line like "
                + ("'00:00:01.000 --> 00:00:04.000'" if vtt else "'00:00:01,000 --> 00:00:04,000'"),
            )
        tline, timing = block[timing_at]
        m = _TIMING.match(timing)
        if m is None:
            raise TranscriptError(path, tline, f"bad cue timing {timing.strip()!r}")
        start, end = _seconds(m.groups()[:4]), _seconds(m.groups()[4:])
        if end < start:
            raise TranscriptError(path, tline, "cue ends before it starts")
        body = " ".join(ln.strip() for _, ln in block[timing_at + 1 :] if not is_notice(ln))
        body = body.strip()
        speaker = None
        voice = _VOICE.search(body)
        if voice:
            name = voice.group(1).strip()
            speaker = speakers.role(name)
            if speaker is None:
                raise TranscriptError(path, tline + 1, unknown_speaker(name))
        body = re.sub(r"<[^>]+>", "", body).strip()
        if speaker is None:
            label = _LABEL.match(body)
            if label:
                speaker = speakers.role(label.group(1))
                if speaker is not None:
                    body = label.group(2).strip()
                elif looks_like_speaker(label.group(1)):  # a call's captions name people
                    raise TranscriptError(path, tline + 1, unknown_speaker(label.group(1)))
        if speaker is None:
            if not cues:
                raise TranscriptError(
                    path,
                    tline + 1,
                    "no speaker label: start the cue with 'Interviewer:' or 'Candidate:' "
                    "(or a <v Interviewer> voice tag)",
                )
            speaker = cues[-1].speaker
        if body:
            cues.append(_Cue(tline + 1, start, end, speaker, body))
    return cues


def _subtitle_turns(cues: list[_Cue], path: Path) -> ParsedText:
    # consecutive cues of the same speaker are one utterance
    runs: list[list[_Cue]] = []
    for cue in cues:
        if runs and runs[-1][0].speaker == cue.speaker:
            runs[-1].append(cue)
        else:
            runs.append([cue])
    turns: list[ImportedTurn] = []
    skipped: tuple[int, int] | None = None
    question_end = 0.0
    for run in runs:
        text = " ".join(c.text for c in run)
        if run[0].speaker == "interviewer":
            tagged, tags = split_tags(text, path, run[0].line)
            turns.append(
                ImportedTurn(
                    question=tagged,
                    answer="",
                    line=run[0].line,
                    question_id=tags.get("id"),
                    follow_up=bool(tags.get("follow_up")),
                    topic=tags.get("topic"),
                )
            )
            question_end = run[-1].end
            continue
        if not turns:  # the candidate's hello before the interviewer's first words
            skipped = skipped or (run[0].line, run[-1].line)
            continue
        turn = turns[-1]
        turn.answer = text
        speaking = sum(c.end - c.start for c in run)
        gaps = [b.start - a.end for a, b in zip(run, run[1:], strict=False)]
        long = [g for g in gaps if g >= LONG_PAUSE]
        metrics = text_metrics(text)
        metrics.update(
            speaking_time=round(speaking, 2),
            words_per_minute=round(metrics["words"] / (speaking / 60), 1) if speaking > 0 else None,
            time_to_first_word=round(max(0.0, run[0].start - question_end), 2),
            long_pauses=len(long),
            longest_pause=round(max(long), 2) if long else None,
        )
        turn.metrics = {k: v for k, v in metrics.items() if v is not None}
        turn.seconds = round(run[-1].end - question_end, 2)
    closing = turns.pop().line if ends_unanswered(turns) else None
    return ParsedText(turns, skipped, closing)


def parse_srt(text: str, path: Path, speakers: Speakers | None = None) -> ParsedText:
    return _subtitle_turns(_cues(text, path, False, speakers or Speakers()), path)


def parse_vtt(text: str, path: Path, speakers: Speakers | None = None) -> ParsedText:
    return _subtitle_turns(_cues(text, path, True, speakers or Speakers()), path)
