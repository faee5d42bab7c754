"""An adversarial corpus: real article text with web boilerplate of every family inserted in
every position (on its own line, glued before a sentence, glued after one, inside one long
line). Used by ``test_adversarial.py``; the articles come from ../shared."""

from __future__ import annotations

import random
from dataclasses import dataclass

#: Boilerplate by family, as real pages print it (English; other languages in test_families).
FAMILIES: dict[str, list[str]] = {
    "consent": ["We use cookies to improve your experience on our site.",
                "By continuing to browse you agree to our cookie policy.",
                "Accept all cookies"],
    "paywall": ["Subscribe to continue reading",
                "You have reached your limit of free articles this month.",
                "Already a subscriber? Log in"],
    "related": ["Most Read", "Related Articles", "Recommended for you", "You may also like"],
    "app": ["Download our app for the latest news", "Get the Example News app"],
    "counters": ["1.2K shares", "45 comments", "Share this article"],
    "gallery": ["1 of 12", "View gallery"],
    "correction": ["Correction: An earlier version of this article misstated the date of the vote."],
    "agency": ["(Reporting by Jane Doe; Editing by John Roe)", "Additional reporting by Jane Doe"],
    "copyright": ["Copyright 2019 The Associated Press. All rights reserved.", "© 2024 Example Media Ltd"],
    "video": ["Scroll down for video", "Watch the full video"],
    "advert": ["Advertisement"],
    "caption": ["Photo: Getty Images"],
    "newsletter": ["Sign up for our daily newsletter"],
}
#: Pieces that can be glued to a sentence without punctuation between them.
GLUEABLE = [p for pieces in FAMILIES.values() for p in pieces if p[-1] not in ".!?)"]
POSITIONS = ("own_line", "glued_before", "glued_after", "one_line")


@dataclass(frozen=True)
class Case:
    """An article with boilerplate inserted: the text, the pieces inserted, where."""

    text: str
    pieces: tuple[str, ...]
    position: str


def make_case(paragraphs: list[str], position: str, seed: int) -> Case:
    """``paragraphs`` (an article, one paragraph each) with every family inserted at ``position``."""
    rng = random.Random(seed)
    pieces = [rng.choice(FAMILIES[f]) for f in FAMILIES]
    paras = list(paragraphs)
    if position == "own_line":
        for piece in pieces:
            paras.insert(rng.randrange(len(paras) + 1), piece)
        return Case("\n".join(paras), tuple(pieces), position)
    glueable = [p for p in pieces if p in GLUEABLE][:len(paras)]
    if position == "glued_before":  # "Most Read Quarterly profits at ...", one piece a paragraph
        for piece, i in zip(glueable, rng.sample(range(len(paras)), len(glueable)), strict=True):
            paras[i] = f"{piece} {paras[i]}"
        return Case("\n".join(paras), tuple(glueable), position)
    if position == "glued_after":  # "... year-earlier. 45 comments", one piece a paragraph
        pieces = pieces[:len(paras)]
        for piece, i in zip(pieces, rng.sample(range(len(paras)), len(pieces)), strict=True):
            paras[i] = f"{paras[i]} {piece}"
        return Case("\n".join(paras), tuple(pieces), position)
    # one long line: the pieces between paragraphs (so unpunctuated ones are glued to the next)
    out: list[str] = []
    inserted = list(pieces)
    for para in paras:
        if inserted and rng.random() < 0.6:
            out.append(inserted.pop())
        out.append(para)
    out.extend(inserted)
    return Case(" ".join(out), tuple(pieces), position)
