"""A place written after an organisation's name on a resume: "Spotify Stockholm, Sweden" is
Spotify, "Acme AI San Francisco, CA" is Acme AI. A place is a city and a country, a US state or
a Canadian province; the city is one word or one of the common two-word ones. A city alone
after a comma ("Flipkart, Bengaluru") is one too, when the title is told apart."""

from __future__ import annotations

import re

COUNTRIES = (
    "Argentina", "Australia", "Austria", "Bangladesh", "Belgium", "Brazil", "Canada", "Chile",
    "China", "Colombia", "Czechia", "Czech Republic", "Denmark", "Egypt", "England", "Estonia",
    "Ethiopia", "Finland", "France", "Germany", "Ghana", "Greece", "Hong Kong", "Hungary",
    "India", "Indonesia", "Ireland", "Israel", "Italy", "Japan", "Kenya", "Korea",
    "South Korea", "Malaysia", "Mexico", "Morocco", "Netherlands", "The Netherlands",
    "New Zealand", "Nigeria", "Norway", "Pakistan", "Peru", "Philippines", "Poland", "Portugal",
    "Romania", "Rwanda", "Scotland", "Singapore", "South Africa", "Spain", "Sweden",
    "Switzerland", "Taiwan", "Thailand", "Turkey", "Türkiye", "Uganda", "Ukraine",
    "United Arab Emirates", "UAE", "United Kingdom", "UK", "United States", "USA", "US",
    "Vietnam", "Viet Nam", "Wales",
)  # fmt: skip
"""Countries as resumes write them after a city."""
_REGION = r"[A-Z]{2}"
"""A US state or a Canadian province as its two-letter code ("CA", "NY", "QC")."""
_TWO_WORD_CITY = (
    r"(?:New|San|Santa|Los|Las|Saint|St\.|Hong|Tel|S[ãa]o|Rio|Salt|Buenos|Kuala|Cape|Mexico|"
    r"Abu|Palo|Mountain|Menlo|Redwood|Ann|Des|Ho Chi|Den|The)\s+[A-Z][\w'.-]+"
)
_PLACE = (
    rf"(?:{_TWO_WORD_CITY}|[A-Z][\w'.-]+),\s*"
    rf"(?:{'|'.join(re.escape(c) for c in COUNTRIES)}|{_REGION})"
)
_PLACE_AFTER = re.compile(rf"^(?P<name>.*?\S)\s+(?P<place>{_PLACE})\s*$")
_PLACE_ALONE = re.compile(rf"^\s*{_PLACE}\s*$")


def is_place(text: str) -> bool:
    """Whether `text` is a place and nothing else ("Seattle, WA", "Seongnam, South Korea")."""
    return bool(_PLACE_ALONE.match(text))


def without_place(name: str) -> str:
    """`name` without a place written after it with no separator ('Spotify Stockholm, Sweden'
    -> 'Spotify'); unchanged when no place ends it, or nothing would be left."""
    m = _PLACE_AFTER.match(name.strip())
    return m.group("name").rstrip(" ,") if m else name


_COMPANY_SUFFIX = re.compile(
    r"inc\.?|llc|ltd\.?|limited|gmbh|ag|se|sa|s\.a\.|plc|co\.|corp\.?|bv|b\.v\.|pvt\.? ltd\.?|"
    r"srl|s\.r\.l\.|oy|ab|as|kk|k\.k\.|pte\.? ltd\.?",
    re.I,
)


def without_city(name: str) -> str:
    """An organisation written with its city after a comma, when its role is told apart
    ("Flipkart, Bengaluru" -> "Flipkart"); a company's legal form stays ("Block, Inc.")."""
    head, comma, tail = name.rpartition(", ")
    if comma and re.fullmatch(r"[A-Z][\w'.-]+", tail) and not _COMPANY_SUFFIX.fullmatch(tail):
        return head
    return name
