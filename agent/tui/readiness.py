"""Cheap start-up checks for the home screen: provider in use, microphone, whisper model.

Nothing here loads a model or opens a network connection: the provider is only resolved from
the settings (`viva doctor` does the real round trip), the microphone is a device listing and
the whisper model a file check. Still, importing sounddevice takes a moment, so the app runs
`check_readiness` in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Readiness:
    provider: str
    """Resolved interviewer provider label, or 'offline'."""
    grader: str
    """Resolved grader provider label, or 'offline'."""
    microphone: bool
    microphone_detail: str
    whisper: bool
    whisper_detail: str

    @property
    def voice_ready(self) -> bool:
        return self.microphone and self.whisper


def provider_labels(settings) -> tuple[str, str, list[str]]:
    """(interviewer label, grader label, problems)."""
    from agent.errors import ConfigError
    from agent.llm.presets import resolve_provider

    labels = []
    problems = []
    for role in ("interviewer", "grader"):
        try:
            provider = resolve_provider(settings, role)
        except ConfigError as exc:
            problems.append(str(exc))
            provider = None
        mode = settings.policy_mode if role == "interviewer" else settings.grader_mode
        if provider is None or mode == "offline":
            labels.append("offline")
        else:
            labels.append(f"{provider.preset} {provider.model}")
    return labels[0], labels[1], problems


def check_microphone(settings) -> tuple[bool, str]:
    try:
        import sounddevice as sd
    except OSError:
        return False, "PortAudio is not installed (apt-get install libportaudio2)"
    except Exception as exc:  # noqa: BLE001 - any import problem means no voice
        return False, f"sounddevice unusable: {exc}"
    try:
        devices = list(sd.query_devices())
    except Exception as exc:  # noqa: BLE001 - PortAudioError
        return False, f"no audio devices ({' '.join(str(exc).split())})"
    inputs = [d for d in devices if int(d.get("max_input_channels", 0) or 0) > 0]
    if not inputs:
        return False, "no input device found"
    try:
        default = sd.query_devices(kind="input").get("name")
    except Exception:  # noqa: BLE001
        default = inputs[0].get("name")
    return True, str(default or inputs[0].get("name"))


def check_whisper(settings) -> tuple[bool, str]:
    from agent.errors import ConfigError
    from agent.speech.whisper_models import model_location

    try:
        label, path = model_location(getattr(settings, "whisper_model", None))
    except ConfigError as exc:
        return False, str(exc)
    if path is None:
        return True, label
    if (path / "model.bin").is_file():
        return True, label
    return False, f"{path} has no model.bin"


def check_readiness(settings) -> Readiness:
    interviewer, grader, _problems = provider_labels(settings)
    mic, mic_detail = check_microphone(settings)
    whisper, whisper_detail = check_whisper(settings)
    return Readiness(interviewer, grader, mic, mic_detail, whisper, whisper_detail)
