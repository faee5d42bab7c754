"""Boilerplate that CMSs and scrapers leave in article text, recognised line by line.

Each rule is a reason and a regular expression; :func:`boilerplate_reason` says which rule a
line (or a sentence) matches. Rules are deliberately anchored and short-line-only where a real
sentence could otherwise match, so that article sentences are not thrown away.
"""

from __future__ import annotations

import re

from .words import count_words

_I = re.IGNORECASE

#: (reason, pattern, maximum words for the rule to apply or None for any length)
_RULES: list[tuple[str, re.Pattern[str], int | None]] = [
    # Comment forms and counters.
    ("comment_form", re.compile(
        r"^(please\s+)?(enter|leave|post|add|write|submit)\s+(a\s+|your\s+)?"
        r"(comment|reply|response|name|e-?mail)\b", _I), 12),
    ("comment_form", re.compile(r"^(you\s+must\s+be\s+)?log(ged)?\s*in\s+to\s+(post|comment|reply)", _I), 15),
    ("comment_form", re.compile(r"^comments?\s+(are|is|have\s+been)\s+(closed|disabled)", _I), 10),
    ("comment_form", re.compile(r"^(\d+\s+comments?|(view|show|load|read|see)\s+(all\s+)?(\d+\s+)?comments?)\b", _I), 8),
    ("comment_form", re.compile(r"^(join|start)\s+the\s+(conversation|discussion|debate)", _I), 12),
    ("comment_form", re.compile(r"^save\s+my\s+name,?\s+e-?mail", _I), 30),
    ("comment_form", re.compile(r"^(your\s+)?(name|e-?mail|website|comment)\s*\*?\s*:?$", _I), 3),
    ("comment_form", re.compile(r"^you\s+have\s+entered\s+an\s+incorrect", _I), 12),
    ("comment_form", re.compile(r"^((\d+\s+)?comments?\s*(\(\d+\))?|post\s+views\s*:.*)$", _I), 4),
    # Newsletter and subscription plugs ("Subcribe" is a real misspelling seen on a site).
    ("newsletter", re.compile(r"^(subscribe|subcribe|sign\s*up|register|get\s+(our|the))\b.{0,120}"
                              r"(newsletter|e-?blast|e-?mail|inbox|alerts?|updates|today|now|free)\b", _I), 25),
    ("newsletter", re.compile(r"^(subscribe|subcribe|sign\s*up)\s+(to|for|now|today)\b", _I), 20),
    ("newsletter", re.compile(r"(delivered|straight|directly)\s+to\s+your\s+inbox", _I), 30),
    ("newsletter", re.compile(r"\b(sign\s*up|subscribe|register)\s+(here|now|today)\b", _I), 15),
    ("newsletter", re.compile(r"^(sign|subscribe|get|join|receive|want|like|enjoy|never\s+miss|don'?t\s+miss|stay|keep|"
                              r"follow|for\s+more)\b.*\bnewsletters?\b", _I), 20),
    # Photo captions and credits.
    ("caption", re.compile(
        r"\((?:[^()]*\b(?:Photo|Photograph|Image|Picture|Getty|Credit|Courtesy|Pool)\b[^()]*"
        r"|\s*(?:AP|AFP|Reuters|EPA|PA|dpa)\s*/[^()]*)\)\s*\.?$", _I), None),
    ("caption", re.compile(r"^(photo|image|picture|video|caption|credit|illustration|graphic)s?"
                           r"(\s+credit)?\s*(:|\||/|–|—|-\s)", _I), 40),
    ("caption", re.compile(r"(Getty\s+Images|Shutterstock|AP\s+Photo|/\s*Reuters|/\s*AFP|/\s*AP|/\s*EPA)"
                           r"(\s+file)?\s*\)?\.?$", _I), 40),
    ("caption", re.compile(r"^in\s+this\s+(\w+[\s,]+){0,8}(file\s+)?(photo|image|picture|photograph)\b", _I), None),
    ("caption", re.compile(r"^(image|photo|picture)\s+\d+\s+(of|/)\s+\d+", _I), 12),
    ("caption", re.compile(r"^FILE\s*[-–—]\s"), None),
    ("caption", re.compile(r"^(image|photo|picture)\s+(copyright|caption|source|credit)\b", _I), 40),
    ("caption", re.compile(r"^media\s+playback\s+is\s+(unsupported|not\s+supported)", _I), 12),
    # Bylines and datelines standing alone on a line.
    ("byline", re.compile(r"^By\s+[A-Z][\w.'’-]*(\s+[A-Z][\w.'’-]*)*\s*([,|&]|and\b|$)"), 14),
    ("byline", re.compile(r"^(written|reported|posted|published|updated|last\s+updated|first\s+published)"
                          r"(\s+(by|on|at))?\s*:?\s", _I), 14),
    ("byline", re.compile(r"^(staff|special|senior)\s+(writer|reporter|correspondent)", _I), 8),
    ("dateline", re.compile(
        r"^((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
        r"(\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2},?\s+)?\d{4}"
        r"([\s,]+\d{1,2}[:.]\d{2}\s*(am|pm|[A-Z]{2,4})?)*\s*$", _I), 10),
    ("dateline", re.compile(r"^\d{1,2}[:.]\d{2}\s*(am|pm)?(\s+[A-Z]{2,4})?(,\s+\d{1,2}\s+\w+\s+\d{4})?$", _I), 8),
    # Credits at the end of wire stories.
    ("credit", re.compile(r"contributed\s+(to\s+)?(this\s+)?(report|story|article)(ing)?\b", _I), 40),
    ("credit", re.compile(r"^\(?\s*(additional\s+)?(reporting|editing|writing)\s+by\b", _I), 20),
    ("credit", re.compile(r"^\(?\s*(compiled|edited|written)\s+by\s+[A-Z][^.,;]*$"), 10),
    ("credit", re.compile(r"^(copyright|©|\(c\)\s+\d{4})", _I), 40),
    ("credit", re.compile(r"all\s+rights\s+reserved", _I), 40),
    ("credit", re.compile(r"^this\s+(article|story|piece)\s+(was|has\s+been|is|first)\s+"
                          r"(originally\s+|first\s+)?(published|appeared|posted)", _I), 40),
    ("credit", re.compile(r"^this\s+(article|story|piece)\s+(originally|first)\s+(appeared|ran|published)", _I), 40),
    # Video prompts.
    ("video", re.compile(r"^(scroll|swipe)\s+(down|up)\s+(for|to\s+(see|watch))\s+(the\s+)?video", _I), 15),
    ("video", re.compile(r"^(watch|play)(\s+the)?(\s+full)?\s+video\b", _I), 12),
    ("video", re.compile(r"^(watch|listen|video)\s*:", _I), 20),
    ("video", re.compile(r"^video\s*:?$", _I), 2),
    # Share buttons, adverts, navigation.
    ("share", re.compile(r"^share(\s+(this|on|via|the)\b.*)?$", _I), 10),
    ("share", re.compile(r"^(tweet|e-?mail|print|whatsapp|facebook|twitter|linkedin|pinterest|reddit|copy\s+link)"
                         r"(\s*[|,/·•]\s*\w+)*\s*$", _I), 10),
    ("share", re.compile(r"^follow\s+(us|\w+(\s+\w+)?)\s+on\s+(twitter|facebook|instagram|x|tiktok|linkedin)", _I), 20),
    ("share", re.compile(r"^(follow\s+@\w+|(like|follow|find)\s+us\s+on\b|click\s+to\s+(share|e-?mail|print)\b)", _I), 20),
    ("advert", re.compile(r"^(advertisement|advert|ad|sponsored(\s+content)?|promoted|paid\s+content)\s*:?$", _I), 3),
    ("advert", re.compile(r"^(story|article)\s+continues\s+(below|after)", _I), 10),
    ("navigation", re.compile(r"^(continue\s+reading|read\s+more|see\s+also|read\s+also|related"
                              r"(\s+(articles?|stories|coverage|content|topics))?|more\s+on\s+this(\s+story)?|"
                              r"trending(\s+now)?|recommended(\s+for\s+you)?|most\s+(read|popular|viewed)|"
                              r"(click|tap)\s+here)\b", _I), 20),
    ("navigation", re.compile(r"^(listen\s+to|download)\s+(this|the)\s+(article|story|podcast)", _I), 12),
    ("navigation", re.compile(r"^(tags?|topics?|filed\s+under|categories)\s*:", _I), 30),
]

#: A dateline opening a sentence: "SEOUL, South Korea –", "WASHINGTON (Reuters) -", "(AP) —".
DATELINE_PREFIX = re.compile(
    r"^(?:"
    r"[A-Z][A-Z.'’\-]{2,}(?:\s+[A-Z][A-Z.'’\-]+)*"          # SEOUL / NEW YORK / WASHINGTON
    r"(?:,\s*[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*)*)?"        # , South Korea
    r"(?:\s*\((?:AP|Reuters|AFP|CNN|Bloomberg|UPI|dpa|PA)\))?"  # (Reuters)
    r"|\((?:AP|Reuters|AFP|CNN|Bloomberg|UPI|dpa|PA)\)"
    r")\s*[–—-]{1,2}\s+"
)

#: Sentence-final punctuation (with closing quotes or brackets after it).
_FINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")


def boilerplate_reason(line: str) -> str | None:
    """The boilerplate rule ``line`` matches (``"caption"``, ``"newsletter"``...), or ``None``."""
    stripped = line.strip()
    words = count_words(stripped)
    for reason, pattern, max_words in _RULES:
        if (max_words is None or words <= max_words) and pattern.search(stripped):
            return reason
    return None


def dateline_length(sentence: str) -> int:
    """How many leading characters of ``sentence`` are a dateline ("SEOUL, South Korea – ")."""
    match = DATELINE_PREFIX.match(sentence)
    if not match or match.end() >= len(sentence):
        return 0
    return match.end()


def ends_like_sentence(line: str) -> bool:
    """Whether ``line`` ends with sentence-final punctuation."""
    return _FINAL.search(line.rstrip()) is not None
