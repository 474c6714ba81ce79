"""A recorded answer to one bank question, transcribed locally into a one-turn transcript with
its delivery metrics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agent.errors import UsageError
from agent.report.imports.model import ImportedTranscript, ImportedTurn

if TYPE_CHECKING:
    from agent.bank.models import Rubric
    from agent.config import Settings


def read_audio(path: str | Path, rubric: Rubric, settings: Settings) -> ImportedTranscript:
    """Transcribe the recording at `path` (the question's terms as the glossary)."""
    audio = Path(path).expanduser()
    if audio.is_dir():
        raise UsageError(f"{audio}: is a folder, not an audio file")
    if not audio.is_file():
        raise UsageError(f"no such file: {audio}")
    from agent.speech.glossary import glossary_for
    from agent.speech.metrics import delivery_metrics
    from agent.speech.transcribe import Transcriber

    transcript = Transcriber(settings).transcribe(str(audio), glossary=glossary_for(rubric))
    metrics = delivery_metrics(transcript).model_dump(mode="json")
    turn = ImportedTurn(
        question=rubric.question,
        answer=transcript.text.strip(),
        line=1,
        question_id=rubric.id,
        metrics=metrics,
        seconds=round(transcript.duration, 2) if transcript.duration else None,
    )
    return ImportedTranscript(path=audio, format="audio", turns=[turn])
