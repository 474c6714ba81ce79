"""Delivery metrics: pure logic on hand-built transcripts (times as Whisper would give)."""

from __future__ import annotations

from agent.speech.metrics import count_phrases, delivery_metrics, text_metrics
from agent.speech.models import Transcript, Word


def _transcript(words: list[tuple[float, float, str]], duration: float) -> Transcript:
    return Transcript(
        text=" ".join(w for _, _, w in words),
        words=[Word(start=s, end=e, word=w) for s, e, w in words],
        duration=duration,
    )


def test_pace_pauses_and_first_word():
    words = [(1.5 + i * 0.5, 1.9 + i * 0.5, "word") for i in range(20)]  # 20 words, 1.5..11.4 s
    words += [(14.9, 15.3, "after"), (15.4, 15.8, "pause")]  # a 3.5 s gap
    m = delivery_metrics(_transcript(words, duration=17.0))
    assert m.words == 22
    assert m.time_to_first_word == 1.5
    assert m.speaking_time == round(15.8 - 1.5, 2)
    assert m.words_per_minute == round(22 / (15.8 - 1.5) * 60, 1)
    assert m.long_pauses == 1 and m.longest_pause == 3.5
    assert m.pauses[0].start == 11.4
    assert m.total_duration == 17.0


def test_fillers_and_hedges_counted():
    text = (
        "Um, so basically, I think the, uh, gradient is like, you know, sort of noisy. "
        "Maybe it's probably the learning rate, I'm not sure."
    )
    fillers, hedges = count_phrases(text)
    assert fillers == {"um": 1, "basically": 1, "uh": 1, "like": 1, "you know": 1, "sort of": 1}
    assert hedges == {"i think": 1, "maybe": 1, "probably": 1, "i'm not sure": 1}


def test_like_and_kind_of_as_real_words_are_not_fillers():
    text = "It looks like a saddle point. I like Adam. What kind of norm? A sort of regularizer."
    fillers, _ = count_phrases(text)
    assert fillers == {}


def test_text_only_variant_for_typed_answers():
    m = text_metrics("I guess dropout is, like, basically noise.")
    assert m.filler_count == 2 and m.hedge_count == 1
    assert m.words_per_minute is None and m.speaking_time is None


def test_empty_transcript():
    m = delivery_metrics(Transcript(duration=5.0))
    assert m.words == 0 and m.words_per_minute is None and m.filler_count == 0
    assert m.total_duration == 5.0


def test_caption_residue_is_cut_from_the_end():
    """Seen with tiny.en: '... ill-disposed. We'll see you next time.' on a LibriVox clip."""
    from agent.speech.transcribe import strip_hallucinated_tail

    said = "Unless to be rather selfish is to be ill-disposed. We'll see you next time."
    words = [
        Word(start=i, end=i + 0.5, word=w, probability=0.9) for i, w in enumerate(said.split())
    ]
    kept = strip_hallucinated_tail(words)
    assert " ".join(w.word for w in kept) == "Unless to be rather selfish is to be ill-disposed."
    sure = [
        Word(start=0, end=1, word="Thank", probability=0.95),
        Word(start=1, end=2, word="you.", probability=0.9),
    ]
    assert strip_hallucinated_tail(sure) == sure  # a confident "thank you" is kept
