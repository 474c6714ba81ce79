"""Piper text-to-speech worker: a separate process, run by `python piper_worker.py MODEL [CONFIG]`.

Piper (piper-tts) is GPL-3.0. Viva's MIT code never imports it: this file is a standalone
script that Viva starts as its own process (agent.speech.tts.engines.PiperProcess) and talks to
over stdin/stdout. It is the only file in the repository that imports `piper`.

Protocol, one request per line on stdin (JSON): {"text": "...", "length_scale": 1.0}.
For each sentence Piper makes, stdout gets a header line {"rate": 22050, "bytes": N} followed by
N bytes of 16-bit mono PCM; after the last sentence, {"done": true}. Errors: {"error": "..."}.
The first line written after loading is {"ready": true, "rate": R}.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    from piper import PiperVoice, SynthesisConfig

    model = argv[1]
    config = argv[2] if len(argv) > 2 and argv[2] else None
    voice = PiperVoice.load(model, config_path=config)
    out = sys.stdout.buffer

    def send(payload: dict, data: bytes = b"") -> None:
        out.write(json.dumps(payload).encode() + b"\n" + data)
        out.flush()

    for _chunk in voice.synthesize("Ready."):  # the first inference is slow: pay it now
        pass
    send({"ready": True, "rate": voice.config.sample_rate})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            syn = SynthesisConfig(length_scale=float(request.get("length_scale") or 1.0))
            for chunk in voice.synthesize(str(request.get("text", "")), syn_config=syn):
                pcm = chunk.audio_int16_bytes
                send({"rate": chunk.sample_rate, "bytes": len(pcm)}, pcm)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, the worker lives on
            send({"error": f"{type(exc).__name__}: {exc}"})
            continue
        send({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
