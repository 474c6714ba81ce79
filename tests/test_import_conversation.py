"""A call's conversation tidied into interview turns (agent.report.imports.conversation): small
talk at either end left out and said, an interviewer's 'Mm-hmm.' and a clarifying question
folded into the answer they interrupt; real questions with brief answers, requests without a
question mark and an answer ending 'Does that make sense?' kept as they are."""

from __future__ import annotations

from agent.report.imports import Speakers, read_transcript
from agent.report.imports.conversation import asks, tidy
from agent.report.imports.model import ImportedTurn, ParsedText

NAMES = Speakers.named(["Priya"], ["Alex"])

CALL = """Alex: Hi! Can you hear me?
Priya: Yes, loud and clear. We'll do three questions, then time for yours. Sound good?
Alex: Sounds good.
Priya: Great. What lives in GPU memory while you train a transformer?
Alex: The weights, the gradients and the Adam states, plus the activations,
Priya: Mm-hmm.
Alex: which grow with the batch size and the sequence length.
Priya: Walk me through how you would debug a NaN loss.
Alex: Do you mean in mixed precision?
Priya: Yes, with fp16.
Alex: I'd check the loss scaler first, then look for an overflow in the softmax.
Priya: Okay, great. Have you used FP8 training on H100s?
Alex: Honestly no, I haven't.
Priya: That's all I have. Thanks so much!
Alex: Thank you, bye!
"""


def test_a_call_reads_as_its_three_questions(tmp_path):
    path = tmp_path / "call.txt"
    path.write_text(CALL, encoding="utf-8")
    transcript = read_transcript(path, speakers=NAMES)
    assert [(t.question, t.answer) for t in transcript.turns] == [
        (
            "Great. What lives in GPU memory while you train a transformer?",
            "The weights, the gradients and the Adam states, plus the activations, which grow "
            "with the batch size and the sequence length.",
        ),
        (
            "Walk me through how you would debug a NaN loss.",
            "Do you mean in mixed precision? I'd check the loss scaler first, then look for an "
            "overflow in the softmax.",
        ),
        ("Okay, great. Have you used FP8 training on H100s?", "Honestly no, I haven't."),
    ]
    assert transcript.small_talk == (2, 14)
    assert "Left out small talk at lines 2, 14: no interview question was asked there." in (
        transcript.notices()
    )


def _turn(question, answer, line=1, **extra):
    return ImportedTurn(question=question, answer=answer, line=line, **extra)


def test_what_is_kept_as_it_is():
    turns = [
        _turn("Why is attention quadratic? Does that make sense to ask?", "Yes.", 1),
        _turn(
            "Say you have eight GPUs and one rank hangs in an all-reduce.",
            "I'd set NCCL_DEBUG=INFO. Does that make sense?",
            2,
        ),
        _turn("Yes, totally. What is ZeRO stage 3?", "It shards the parameters too.", 3),
        _turn("Hi, can you hear me?", "Yes.", 4, question_id="gradient-descent"),
    ]
    assert tidy(ParsedText(list(turns))).turns == turns
    everything_small_talk = [_turn("Hi, can you hear me?", "Yep."), _turn("Ready?", "Yes.", 2)]
    assert tidy(ParsedText(everything_small_talk)).turns == everything_small_talk


def test_interruptions_inside_an_answer_join_it():
    turns = [
        _turn("Hello? Can you hear me?", "Hi, yes! Sorry, I was on mute.", 1),
        _turn("We'll do two questions. Sound okay?", "Yep.", 2),
        _turn("How would you keep the effective batch size when you lose GPUs?", "Hmm, let me", 3),
        _turn("Sure, take your time.", "I'd raise gradient accumulation steps to match.", 4),
        _turn("Which is faster, a CUDA graph or eager mode?", "Do you mean for small ops?", 5),
        _turn("Training, let's say.", "The graph: one launch replaces hundreds.", 6),
        _turn("Sorry, you cut out. Could you say the last part again?", "One launch for all.", 7),
    ]
    tidied = tidy(ParsedText(turns))
    assert [(t.line, t.answer) for t in tidied.turns] == [
        (3, "Hmm, let me I'd raise gradient accumulation steps to match."),
        (
            5,
            "Do you mean for small ops? The graph: one launch replaces hundreds. One launch for all.",
        ),
    ]
    assert tidied.small_talk == (1, 2)
    # a reply that sets the scene answers the clarifying question; one that asks is a question
    scene = [
        _turn("Why?", "Do you mean why it's faster?", 1),
        _turn("Say we have 8 GPUs.", "Then", 2),
    ]
    assert [t.answer for t in tidy(ParsedText(scene)).turns] == [
        "Do you mean why it's faster? Then"
    ]
    asked = [
        _turn("Why?", "Do you mean why it's faster?", 1),
        _turn("No. Why is it right?", "It", 2),
    ]
    assert len(tidy(ParsedText(asked)).turns) == 2


def test_a_rambling_hello_and_audio_trouble_are_not_questions():
    hello = (
        "Hi, yes. Sorry, there's a bit of an echo on my side, give me a second. Okay, I moved "
        "closer to the router, it should be better now."
    )
    turns = [
        _turn("Hello, hello. Can you hear me?", hello, 1),
        _turn("Hi! One second. Okay, is my audio clear now?", "Yes, it's clear.", 2),
        _turn("What does NCCL do?", "It runs the collectives between GPUs,", 3),
        _turn("Sorry, you froze there. Can you repeat that last part?", "like all-reduce.", 4),
        _turn("And on one node?", "It uses NVLink.", 5),
    ]
    tidied = tidy(ParsedText(turns))
    assert [(t.line, t.answer) for t in tidied.turns] == [
        (3, "It runs the collectives between GPUs, like all-reduce."),
        (5, "It uses NVLink."),
    ]
    # A question answered at length is an interview question, whatever it opens with.
    long_answer = " ".join(["word"] * 41)
    turns = [
        _turn("Hi, can you hear me? So, gradient checkpointing", long_answer, 1),
        _turn("What does it cost?", "A second forward pass.", 2),
    ]
    assert tidy(ParsedText(turns)).turns == turns
    turns[0].answer = " ".join(["word"] * 40)
    assert tidy(ParsedText(turns)).turns == turns[1:]


def test_the_candidates_own_questions_at_the_end_are_not_graded():
    turns = [
        _turn("Sorry I'm late, I was stuck on another call.", "No problem at all.", 1),
        _turn("What is a warp?", "Thirty-two threads that issue together,", 2),
        _turn("Okay, go on.", "in lockstep on an SM.", 3),
        _turn(
            "Great. Do you have any questions for me?",
            "Yes, how big is the team, and how "
            "do you split research and production work between people?",
            4,
        ),  # fmt: skip
        _turn("About ten of us, split evenly. Anything else?", "No, thanks!", 5),
    ]
    tidied = tidy(ParsedText(turns))
    assert [(t.line, t.answer) for t in tidied.turns] == [
        (2, "Thirty-two threads that issue together, in lockstep on an SM.")
    ]
    assert tidied.small_talk == (1, 4, 5)
    turns[4].question_id = "gradient-descent"  # the user's own word: nothing after it is cut
    assert [t.line for t in tidy(ParsedText(turns)).turns] == [2, 4, 5]


def test_what_counts_as_asking():
    assert asks("Okay. And what's the catch?")
    assert asks("First, tell me about a project you're proud of.")
    assert asks("Hey Lena, can you hear me? OK. What is post-training quantization?")
    assert asks("So how is it different from quantization-aware training?")
    assert not asks("Hey, can you hear me okay?")
    assert not asks("Thanks for joining. How's your week been?")
    assert not asks("Great, that's all I've got. Thanks!")
    assert not asks("Mm-hmm.")


def test_a_folded_answer_keeps_its_time():
    first = _turn("What is a CUDA graph?", "It records kernel launches,", 1)
    first.seconds, first.metrics = 6.0, {"speaking_time": 5.0, "time_to_first_word": 1.0}
    more = _turn("Mm-hmm.", "and replays them with one launch.", 2)
    more.seconds, more.metrics = 4.0, {"speaking_time": 3.0, "long_pauses": 1}
    (turn,) = tidy(ParsedText([first, more])).turns
    assert turn.answer == "It records kernel launches, and replays them with one launch."
    assert turn.seconds == 10.0 and turn.metrics is not None
    assert turn.metrics["speaking_time"] == 8.0 and turn.metrics["time_to_first_word"] == 1.0
    assert turn.metrics["long_pauses"] == 1
    assert turn.metrics["words_per_minute"] == round(10 / (8 / 60), 1)
    silent = _turn("Okay.", "", 3)  # an interjection nobody answered keeps the answer's time
    (same,) = tidy(ParsedText([first, silent])).turns
    assert same.seconds == 6.0 and same.metrics == first.metrics


def test_the_command_says_what_it_left_out(tmp_path, run_viva):
    path = tmp_path / "call.txt"
    path.write_text(CALL, encoding="utf-8")
    out = run_viva("debrief", "--transcript", str(path), "--interviewer", "Priya", "--candidate",
                   "Alex")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Imported 3 turns" in out.stderr and "Left out small talk at lines 2, 14" in out.stderr
    assert "can you hear me" not in out.stdout.lower()
