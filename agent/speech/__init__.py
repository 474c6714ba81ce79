"""Speech: microphone capture, turn-taking (VAD), local transcription and delivery metrics.

Small modules with one job each, heavy imports (numpy, faster_whisper, sounddevice) inside the
functions that need them:

- `media`: decode any file PyAV reads to 16 kHz mono float32 (clear MediaError otherwise).
- `glossary`: ML terms (general + the current rubric's) for Whisper's prompt and hotwords.
- `transcribe`: `Transcriber(settings).transcribe(audio, glossary=...) -> Transcript`.
- `streaming`: transcribes settled speech while the candidate still talks (low end-of-turn wait).
- `vad`: energy VAD state machine (hands-free turn end) and pause finding.
- `capture`: `Recorder` (sounddevice input, WAV written as it records, live level).
- `metrics`: delivery metrics (pace, fillers, pauses, hedges) from word timestamps.
- `wer`: word error rate with the normalisation used by tests and bench.
"""

SAMPLE_RATE = 16_000
"""Every audio array in this package is mono float32 at this rate."""
