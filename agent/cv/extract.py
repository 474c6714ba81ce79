"""Lines of a resume -> the candidate's projects (`Profile`).

Deterministic and conservative. A *project* is a heading followed by bullets or text: a
Markdown heading, a bold line, or any short line that bullets follow. Headings that name a
resume section ("Experience", "Projects") set the section; sections that hold no projects
(education, skills, contact...) are skipped. Per project: the name (the heading up to its first
separator; for a job, "ML Engineer | Fintra | 2019", "ML Engineer at Fintra", the organisation),
the role (a "Role:" line, or a heading part naming one), the technologies (a
"Tech:" / "Stack:" line, and known technology names anywhere in it), the metrics (bullets with a
number that is not a year), every bullet as a claim, and the lines it came from.
"""

from __future__ import annotations

import re

from agent.cv.model import Profile, Project
from agent.cv.places import is_place, without_city, without_place

SKIP_SECTIONS = {
    "education", "skills", "technical skills", "summary", "profile", "about", "about me",
    "contact", "awards", "honors", "certifications", "interests", "languages", "publications",
    "references", "hobbies", "courses", "coursework",
}  # fmt: skip
PROJECT_SECTIONS = {
    "projects", "selected projects", "project", "experience", "work experience",
    "professional experience", "employment", "research", "research experience", "work",
}  # fmt: skip
ROLE_WORDS = re.compile(
    r"\b(engineer|scientist|researcher|developer|lead|intern|manager|architect|founder|"
    r"analyst|student|owner|consultant|head|director|assistant|maintainer|fellow|postdoc|"
    r"professor|lecturer|staff|cto|ceo|contributor|candidate|author|creator|organi[sz]er|"
    r"werkstudent|trainee|apprentice)\b",
    re.I,
)
TECHNOLOGIES = (
    "PyTorch", "TensorFlow", "JAX", "Keras", "scikit-learn", "XGBoost", "LightGBM", "CUDA",
    "Triton", "TensorRT", "ONNX", "cuDNN", "NCCL", "DeepSpeed", "FSDP", "Megatron", "Ray",
    "Horovod", "Spark", "Kafka", "Airflow", "Kubernetes", "Docker", "FAISS", "Elasticsearch",
    "BM25", "Hugging Face", "Transformers", "LoRA", "vLLM", "llama.cpp", "Triton Inference Server",
    "Python", "C++", "Rust", "Go", "SQL", "PostgreSQL", "Redis", "AWS", "GCP", "Azure",
    "SageMaker", "MLflow", "Weights & Biases", "BERT", "GPT", "LLM", "CLIP", "ViT", "ResNet",
    "YOLO", "diffusion", "RAG", "multimodal", "distributed training", "mixed precision",
    "quantization", "distillation", "reinforcement learning", "RLHF", "GNN", "transformer",
    "dual encoder", "cross-encoder", "A/B test", "gRPC", "FastAPI", "Flask", "React", "OpenCV",
    "DALI", "FlashAttention", "ZeRO", "NVLink", "InfiniBand", "INT8", "FP8", "Nsight",
)  # fmt: skip
_BULLET = re.compile(
    r"^\s*(?:[-*\u2022\u00b7\u2023\u25e6\u2013\u25aa>\u25b8\u25ba\u27a2\u2713\u2714\u25c6\u25a0"
    r"\u25cf\u2219\u2043\x7f]|\d{1,2}[.)])\s+"
)
"""A bullet's mark: dashes, dots, arrows, squares, a check, a number; '\x7f' is a PDF's bullet
glyph that has no character (reportlab's)."""
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_DECOR = re.compile(r"[*_`#]+")
_SEPARATORS = re.compile(r"\s+[|/\u2014\u2013\u00b7\u2022-]\s+|\s*\|\s*|:\s+(?=[A-Z])")
_TECH_LINE = re.compile(
    r"^\s*(?:tech(?:nologies|nology| stack)?|stack|tools|built with|using)\s*[:\-]\s*(.+)$", re.I
)
_ROLE_LINE = re.compile(r"^\s*(?:role|position|title)\s*[:\-]\s*(.+)$", re.I)
_MEASURE = re.compile(
    r"\d\.\d|\d\s*(?:%|x\b|\u00d7|ms\b|s\b|sec|seconds?|min|hours?|days?|[kmb]\b|[kmgt]b\b|"
    r"points?|pp\b|qps|rps|gpus?|nodes?|users?|requests?|params|parameters|tokens?)",
    re.I,
)


def _plain(line: str) -> str:
    return " ".join(_DECOR.sub("", _BULLET.sub("", _MD_HEADING.sub("", line))).split())


_HEADING_LIKE = re.compile(r"^[A-Z][\w'&/ -]*:?$")
"""A section heading starts with a capital and has no sentence in it."""
_SECTION_WORDS = 4
"""A section's heading is short: "Open-Source Projects", "Side Projects & Competitions"."""
_PROJECT_SECTION = re.compile(
    r"(?:projects|experience|employment|(?:work|employment|career) history|career|"
    r"(?:professional|work|career) background|open[- ]source(?: work| contributions)?|"
    r"positions|appointments)$"
)
_SKIP_SECTION = re.compile(r"^(?:volunteer\w*|educat\w*|teaching|talks|leadership)\b")
_SKIP_SECTION_END = re.compile(
    r"\b(?:talks|awards?|service|publications|honou?rs|patents|references|languages|"
    r"interests|hobbies|skills|certifications?|coursework)$"
)


def _section(line: str) -> str | None:
    key = _plain(line).strip(" :").lower()
    if key in SKIP_SECTIONS:
        return "skip"
    if key in PROJECT_SECTIONS:
        return "projects"
    if not key or len(key.split()) > _SECTION_WORDS or not _HEADING_LIKE.match(_plain(line)):
        return None
    if _SKIP_SECTION.match(key) or _SKIP_SECTION_END.search(key):
        return "skip"  # "Volunteer experience", "Education and training", "Invited talks"
    if any(_PROJECT_SECTION.search(part.strip()) for part in re.split(r"&|\band\b|/", key)):
        return "projects"  # "Open-source projects", "Relevant experience", "Work history"
    return None


WRAPPED = 0.8
"""A bullet line at least this share of the widest line was wrapped by the page (a PDF's
text): a line after it that is no bullet goes on with it."""


def _continuations(lines: list[str]) -> set[int]:
    """The lines that go on with the bullet above them, wrapped by a PDF's page width: a line
    right after a bullet (or its continuation) that is no bullet, heading or dates, starting in
    lower case or with a sign or a digit, or after a full-width line that ends mid-sentence."""
    width = max((len(line.strip()) for line in lines), default=0)
    out: set[int] = set()
    previous: int | None = None
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if (
            previous == i - 1  # wrapped lines follow each other: a blank line ends the bullet
            and not _BULLET.match(line)
            and not _MD_HEADING.match(line)
            and _section(line) is None
            and not _DATES_FIRST.match(_plain(line))
            and not _dates_only(line)
        ):
            above = lines[previous].strip()
            full = len(above) >= WRAPPED * width and not above.endswith((".", "!", "?", ";", ":"))
            if not text[0].isupper() or full:
                out.add(i)
                previous = i
                continue
        previous = i if _BULLET.match(line) else None
    return out


HEADING_LINES = 3
"""An entry's heading is up to this many lines above its bullets: a company, a title, dates
("Nubank — São Paulo" / "Senior ML Engineer" / "Apr 2022 – Present")."""


def _dates_only(line: str) -> bool:
    """A line of dates alone ("01.2023 - 12.2024", "Jan 2022 –", "Present")."""
    text = _plain(line).strip(" ,")
    return bool(text) and bool(_DATES_ONLY.fullmatch(text) or _DATE_WORDS.fullmatch(text))


def _is_heading(lines: list[str], i: int, continuations: set[int]) -> bool:
    line = lines[i]
    if not line.strip() or _BULLET.match(line) or _TECH_LINE.match(line) or _ROLE_LINE.match(line):
        return False
    if i in continuations:
        return False
    text = _plain(line)
    if not re.search(r"[^\W\d_]", text) or len(text) > 120 or text.endswith((".", ",", ";")):
        return False  # no letter in it ("========"), a sentence, or a paragraph
    if _MD_HEADING.match(line) or re.fullmatch(r"\s*(\*\*|__).+(\*\*|__)\s*", line):
        return True
    # The bullets start within a few lines: more heading lines (dates do not count), and at
    # most one line of description ("Highlights: ...", "Platform team of 9.").
    headings = sentences = 0
    for x in [x for x in lines[i + 1 : i + 8] if x.strip()]:
        if _BULLET.match(x):
            return True
        if _section(x) is not None:
            return False
        if _dates_only(x):
            continue
        plain = _plain(x)
        if len(plain) > 90 or plain.endswith((".", ";")):
            sentences += 1
        else:
            headings += 1
        if sentences > 1 or headings + sentences >= HEADING_LINES:
            return False
    return False


def _name_and_role(heading: str) -> tuple[str, str]:
    """(what the interviewer calls the entry, the candidate's role in it) from its heading: a
    project ("Semantic search - Lead Engineer (2023)") or a job, whose name is the organisation
    ("ML Engineer | Fintra | 2019-2022", "Research Intern (Microsoft Research)")."""
    columns = re.sub(r"\t+| {3,}", " | ", heading.strip())  # tab- or space-aligned columns
    text = re.sub(r"^(?:project\s*[:\-]\s*)", "", _plain(columns), flags=re.I)
    text = _DATES_FIRST.sub("", text)  # "2021 - present Senior ML Engineer"
    text = re.sub(r"^(.+?\([^()]+\)),\s+", r"\1 | ", text)  # "Title (Company), Place"
    parts = [p for p in (_undated(x) for x in _SEPARATORS.split(text)) if p]
    parts = [p for p in parts if not _QUALIFIER.fullmatch(p) and not is_place(p)] or parts
    if len(parts) > 1 and _LABEL.fullmatch(parts[0]):  # "Kaggle: <competition>"
        parts = parts[1:]
    if not parts:
        return text, ""
    first, inside = _trailing_brackets(parts[0])
    if _JOB_TITLE.match(first):
        if inside and not ROLE_WORDS.search(inside) and not _QUALIFIER.fullmatch(inside):
            return inside, first  # "Title (Company) | City"
        # "Title | Company, City": the organisation is the first part that is not a title
        for part in parts[1:]:
            org = _trailing_brackets(part.split(", ")[0])[0]
            if not _JOB_TITLE.match(org):
                return org, first
    if inside and ROLE_WORDS.search(inside):
        return first, _trailing_brackets(inside)[0]  # "Project (Role)"
    role = next((_trailing_brackets(p)[0] for p in parts[1:] if ROLE_WORDS.search(p)), "")
    # "Spotify Stockholm, Sweden" / "Senior ML Engineer": the place is no part of the name
    if role:
        return without_city(without_place(first)), without_place(role)
    return _job_title_apart(first)


_MONTH_YEAR = r"(?:[A-Za-z]{3,9}\.?\s+)?(?:19|20)\d{2}"
"""A year, maybe after its month: "2021", "Sep 2018", "Sept. 2018"."""
_WHEN = rf"(?:{_MONTH_YEAR}|present|now|current|today)"
"""A start or an end of dates in words."""
_DATES_FIRST = re.compile(
    rf"^{_MONTH_YEAR}\s*[\u2013\u2014-]\s*{_WHEN}\s+(?=\S)|^(?:19|20)\d{{2}}\s+(?=[^\W\d])", re.I
)
"""The dates before an entry's title, as a column of dates on the left prints them ("2021 -
present Senior ML Engineer", "2023 Swahili-ASR - Co-lead")."""
_DATES_ONLY = re.compile(r"[\d./]+(?:\s*[\u2013\u2014-]\s*(?:[\d./]+|\w+))?")
"""A line of dates alone above an entry: "01.2023 - 12.2024", "03.2020 - obecnie"."""
_DATES_LAST = re.compile(
    r"\b(?:(?:19|20)\d{2}|present|now|current|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|"
    r"nov|dec|(?:summer|fall|autumn|winter|spring)\s+(?:19|20)\d{2})\b[\w .,/()\u2013\u2014-]*$",
    re.I,
)
"""Dates ending a heading's part and what follows them: "ML Engineer (2021-2023)"."""
_DATE_WORDS = re.compile(rf"{_WHEN}(?:\s*[\u2013\u2014-]\s*{_WHEN}?)?", re.I)
"""Dates in words alone: "Jan 2022 –", "Present", "2017 – 2020", "Sep 2018 - May 2021"."""

_QUALIFIER = re.compile(
    r"full[- ]time|part[- ]time|contract(?:or)?|freelance|remote|hybrid|on[- ]?site|internship|"
    r"(?:personal|side|solo|team|course|class|open[- ]source)(?:\s+project)?|"
    r"(?:internal\s+)?hackathon",
    re.I,
)
"""A heading part or bracket that says how or why the work was done, never what it is called."""

_LABEL = re.compile(
    r"kaggle|(?:(?:master|bachelor|diploma|phd|honou?rs)(?:'?s)?\s+)?thesis|capstone(?:\s+project)?|"
    r"(?:senior\s+design|hackathon)\s+project",
    re.I,
)
"""A heading part that says what kind of entry follows ("Master's Thesis - <title>"); a part
that `_QUALIFIER` matches ("Side project") is dropped before this is asked."""


def _undated(part: str) -> str:
    """A heading part without its dates ("" if it is only a date): "ML Engineer (2021-2023)" ->
    "ML Engineer", "torch-prune (Maintainer, 2021-present)" -> "torch-prune (Maintainer)"."""
    part = part.strip(" ,")
    if _DATES_LAST.fullmatch(part.strip("()")):
        return ""
    undated = _DATES_LAST.sub("", part).strip(" ,")
    if undated.count("(") > undated.count(")"):  # the date and its closing bracket were cut
        head, _, inside = undated.rpartition("(")
        inside = inside.strip(" ,")
        undated = f"{head.strip()} ({inside})" if inside else head.strip(" ,")
    return undated or part


def _trailing_brackets(part: str) -> tuple[str, str]:
    """A part "Name (what)" as ("Name", "what"); any other part (brackets inside it, as in
    "Vision Transformer (ViT) pretraining", or none) as (part, "")."""
    m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", part)
    return (m.group(1).strip(), m.group(2).strip()) if m else (part, "")


_JOB_TITLE = re.compile(
    r"^(?:\S+\s+){0,5}?(?:\S+-)?"  # up to five words before it; "Co-" in "Co-founder"
    r"(?:engineer|scientist|researcher|developer|lead|intern|manager|architect|founder|analyst|"
    r"consultant|director|student|fellow|postdoc|professor|lecturer|maintainer|contributor|"
    r"candidate|cto|ceo|"
    r"(?:research|teaching)\s+assistant)s?(?:\s+(?:i{1,3}|iv|[1-4]))?$"  # "Engineer II"
    r"|^(?:head|director|vp)\s+of\s+\S+(?:\s+\S+)?$|^member\s+of\s+(?:the\s+)?technical\s+staff$",
    re.I,
)
"""A whole part that is a job title ("Senior ML Engineer", "Research Intern", "Head of ML"),
not a project that merely contains a role word ("Lead scoring model")."""


def _job_title_apart(heading: str) -> tuple[str, str]:
    """An experience heading "Title, Company" / "Company, Title" / "Title at Company" as (the
    company, the title); any other heading unchanged, with no role."""
    title, at, company = heading.partition(" at ")
    if at and ROLE_WORDS.search(title) and len(title.split()) <= 6 and company.strip():
        company = company.split(", ")[0].strip()  # "at Fintra, Boston (2019-2022)"
        return _trailing_brackets(company)[0], title.strip()  # "<title> at <company>"
    parts = [p.strip() for p in re.split(r",\s+|\s+at\s+|\s+@\s+", heading) if p.strip()]
    titles = [p for p in parts if _JOB_TITLE.match(p)]
    others = [p for p in parts if not _JOB_TITLE.match(p)]
    if len(parts) < 2 or not titles or not others:
        return heading, ""
    return _trailing_brackets(others[0])[0], titles[0]


GENERAL_TOOLS = frozenset(
    t.lower()
    for t in (
        "PyTorch", "TensorFlow", "JAX", "Keras", "Python", "C++", "Rust", "Go", "SQL", "Docker",
        "Kubernetes", "AWS", "GCP", "Azure", "Hugging Face", "Transformers", "FastAPI", "Flask",
        "React", "PostgreSQL", "Redis", "Airflow", "MLflow", "Weights & Biases", "SageMaker",
        "gRPC", "Spark", "Kafka",
    )
)  # fmt: skip
"""Languages, frameworks and infrastructure: named on most resumes, so a technology-choice probe
asks about a method or a system before one of these."""


def _technologies(text: str, listed: list[str]) -> list[str]:
    """The "Tech:" line's entries, then known names in the order the text first says them
    ('dual-encoder' and 'dual encoder' are one name)."""
    found = list(listed)
    low = text.lower()
    seen: list[tuple[int, str]] = []
    for tech in TECHNOLOGIES:
        words = [re.escape(w) for w in re.split(r"[\s-]+", tech.lower())]
        m = re.search(r"(?<![\w])" + r"[\s-]+".join(words) + r"(?![\w])", low)
        if m and tech.lower() not in {t.lower() for t in found}:
            seen.append((m.start(), tech))
    return found + [tech for _, tech in sorted(seen)]


def _is_metric(claim: str) -> bool:
    """A measured number: a decimal, a percentage, a factor, a time, a size or a count of
    things ("team of 4" is not one)."""
    return bool(_MEASURE.search(claim))


def _project(
    lines: list[str], heading: list[int], end: int, continuations: set[int]
) -> Project | None:
    """The entry whose heading is on the lines `heading` (one, or a title and a line of its
    company, place or dates), with what follows it up to `end`."""
    titled = [i for i in heading if not _dates_only(lines[i])] or heading
    name, role = _name_and_role(" | ".join(lines[i].strip() for i in titled))
    if not name:
        return None
    claims: list[str] = []
    listed: list[str] = []
    used = [i + 1 for i in heading]
    for i in range(heading[-1] + 1, end):
        raw = lines[i]
        if not raw.strip():
            continue
        if _dates_only(raw):
            continue  # the next entry's dates, on a line of their own above its title
        if i in continuations and claims:
            claims[-1] = f"{claims[-1]} {_plain(raw)}"
        elif m := _TECH_LINE.match(_plain(raw)):
            listed += [t.strip(" .") for t in re.split(r"[,;/]", m.group(1)) if t.strip(" .")]
        elif m := _ROLE_LINE.match(_plain(raw)):
            role = role or m.group(1).strip()
        else:
            claims.append(_plain(raw))
        used.append(i + 1)
    if not claims and not listed:
        return None
    return Project(
        name=name[:80],
        role=role[:80],
        technologies=_technologies(" ".join([*(lines[i] for i in heading), *claims]), listed),
        metrics=[c for c in claims if _is_metric(c)],
        claims=claims,
        source_lines=used,
    )


def extract_profile(lines: list[str], source: str = "", *, wrapped: bool = True) -> Profile:
    """The projects of a resume given as lines (in order); `wrapped`: a line may go on with the
    bullet above it (a PDF's page wrapped it; never in a Word document)."""
    # With a "Projects" or "Experience" section, projects are only read there (the name at the
    # top of the page is not a project); without one, anywhere outside the skipped sections.
    sectioned = any(_section(line) == "projects" for line in lines)
    continuations = _continuations(lines) if wrapped else set()
    section: str | None = None
    heads: list[int] = []
    stops: list[int] = []
    for i, line in enumerate(lines):
        kind = _section(line)
        if kind is not None:
            section = kind
            stops.append(i)
        elif (section == "projects" or (not sectioned and section is None)) and _is_heading(
            lines, i, continuations
        ):
            heads.append(i)
    projects: list[Project] = []
    sections: list[int] = []  # the line of the section each project is in
    for heading in _heading_blocks(lines, heads):
        end = min([h for h in heads + stops if h > heading[-1]] or [len(lines)])
        project = _project(lines, heading, end, continuations)
        if project is None:
            continue
        section_line = max((s for s in stops if s < heading[0]), default=-1)
        if (
            projects
            and sections[-1] == section_line
            and projects[-1].role
            and not project.role
            and _JOB_TITLE.match(project.name)
        ):  # a second title at the company above, under its line: "Machine Learning Engineer"
            project = project.model_copy(update={"name": projects[-1].name, "role": project.name})
        projects.append(project)
        sections.append(section_line)
    return Profile(source=source, projects=projects)


def _heading_blocks(lines: list[str], heads: list[int]) -> list[list[int]]:
    """Heading lines with nothing between them are one entry's heading: a title, then its
    company, place or dates on the next line ("Senior ML Engineer, Flipkart" / "Bengaluru,
    India"; "Safaricom PLC  Feb 2020 - Present" / "Senior Data Scientist")."""
    blocks: list[list[int]] = []
    for i in heads:
        previous = blocks[-1][-1] if blocks else None
        between = lines[previous + 1 : i] if previous is not None else None
        if (
            between is not None
            and not any(x.strip() for x in between)
            and (
                _dates_only(lines[i])  # dates join the heading above them, whatever its size
                or sum(not _dates_only(lines[j]) for j in blocks[-1]) < HEADING_LINES
            )
        ):
            blocks[-1].append(i)
        else:
            blocks.append([i])
    return blocks
