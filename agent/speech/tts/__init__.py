"""The interviewer's voice: text-to-speech, offline.

- voices.py: which voice to use (the bundled Piper voice, a .onnx file, flite, espeak-ng).
- piper_worker.py: the Piper process (GPL-3.0 Piper runs there, never imported by Viva).
- engines.py: sentence -> 16-bit PCM, through the Piper process or a flite/espeak-ng command.
- sentences.py: text (or a streamed text) cut into sentences.
- speaker.py: speaks sentence by sentence through sounddevice, can be cut off, and holds the
  capture gate that keeps the microphone from transcribing the interviewer.
"""
