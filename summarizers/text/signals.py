"""A general boilerplate signal, beside the rules: what a piece of text looks like, not what
it says.

Each signal is one observable property that web boilerplate tends to have and article
sentences tend not to: few stop words (labels, lists of links), a call to action (an
imperative opening or the reader addressed as "you"), a repeat elsewhere in the document, links
and handles, mostly numbers, no final punctuation, very few words, a place at the very start or
end of the text. None of them is a phrase list of boilerplate; the lists here are a language's
function words. :func:`signals` returns the names of those a text shows.

The document stage combines them with the rules (:mod:`summarizers.text.boilerplate`): a rule
needs at least one signal to remove a sentence, and without a rule it takes
:data:`SIGNALS_ALONE` signals (three of them about content), so one rule or one signal alone
never removes anything.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .boilerplate import ends_like_sentence
from .triggers import Gated, fold
from .words import count_words, lexical_words

#: Every signal, in report order.
SIGNAL_NAMES = (
    "few_stop_words", "call_to_action", "self_reference", "repeated", "links", "numeric", "label",
    "unpunctuated", "short", "edge",
)
#: Signals that say something about the content (the others are about form and place).
CONTENT_SIGNALS = frozenset(
    {"few_stop_words", "call_to_action", "self_reference", "repeated", "links", "numeric", "label"}
)
#: How many signals (:data:`CONTENT_ALONE` of them about content) remove a piece that no rule
#: matches.
SIGNALS_ALONE = 5
CONTENT_ALONE = 3
#: A piece of at most this many words is "short".
SHORT_WORDS = 5
#: A label ("Most Read", "Related Articles") has at most this many words, each capitalised.
LABEL_WORDS = 6
#: How many sentences at the start and at the end of a document are at its "edge".
EDGE_START, EDGE_END = 2, 3

def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


#: The reader addressed directly (second person), by language code.
_SECOND_PERSON: dict[str, frozenset[str]] = {
    "en": _words("you your yours yourself you're you've you'll you'd"),
    "de": _words("du dich dir dein deine deinen deinem deiner euch euer eure"),
    "fr": _words("vous votre vos tu toi ton ta tes"),
    "es": _words("usted ustedes tú tu tus te ti vosotros os"),
    "it": _words("tu ti tuo tua tuoi tue voi vostro vostra"),
    "pt": _words("você vocês seu sua teu tua"),
    "nl": _words("je jij jouw u uw"),
}
#: Imperatives that open a prompt even inside a text ("... Ltd Get the app"), unlike "Open" or "Read".
_PROMPTS = _words("click tap subscribe download sign follow share get watch scroll register install unlock join "
                  "klicken abonnieren cliquez abonnez-vous téléchargez haz pulsa suscríbete descarga")
#: German's formal "you", capitalised (lower case they mean "they" or "her").
_GERMAN_FORMAL_YOU = _words("Sie Ihnen Ihr Ihre Ihren Ihrem Ihrer Ihres")
#: Verbs that open a call to action in the imperative, by language code.
_IMPERATIVES: dict[str, frozenset[str]] = {
    "en": _words("click tap subscribe sign download follow share register log join watch read see get accept "
                    "manage scroll swipe listen try visit view enter leave install open unlock become continue "
                    "discover explore like comment"),
    "de": _words("klicken klicke abonnieren abonniere lesen lies laden lade folgen folge teilen teile melden "
                    "registrieren akzeptieren entdecken hören schauen jetzt hier"),
    "fr": _words("cliquez abonnez-vous abonnez lisez téléchargez suivez partagez inscrivez-vous inscrivez "
                    "connectez-vous découvrez acceptez regardez écoutez retrouvez lire voir"),
    "es": _words("haz pulse pulsa suscríbete lee descarga descárgate síguenos sigue comparte regístrate "
                    "inicia acepta mira descubre escucha ver leer"),
}
#: The text speaking of itself or of the page around it: "this article", "dieser Artikel", "cet
#: article", "esta noticia", "reporting by", "in this photo".
_SELF_REFERENCE = re.compile(
    r"\b(this|dieser|diesen|diesem|dieses|cet|cette|ce|este|esta)\s+(article|story|report|piece|page|site|"
    r"website|post|content|artikel|beitrag|bericht|text|seite|webseite|website|inhalt|reportage|sujet|contenu|"
    r"art[ií]culo|noticia|informaci[oó]n|p[aá]gina|sitio|reportaje|contenido)(e?s)?\b|"
    r"\b(our|unsere[rnms]?|notre|nos|nuestr[oa]s?)\s+(site|website|webseite|seite|sitio|p[aá]gina|web|app|"
    r"services?|dienste?|newsletter|partners?|partenaires|socios)\b|"
    r"\b(browsing|user)\s+experience|nutzer(erlebnis|erfahrung)|surferlebnis|expérience\s+(de\s+navigation|"
    r"utilisateur)|experiencia\s+(de\s+navegaci[oó]n|de\s+usuario)|\b(reporting|editing|writing)\s+by\b|\bcontributed\s+to\s+this\b|"
    r"\b(mit\s+material\s+von|avec\s+(l')?afp|con\s+informaci[oó]n\s+de)\b|"
    r"\b(this|these|above|below)\s+([\w,]+\s+){0,8}?(file\s+)?(photos?|images?|pictures?|photographs?|videos?)\b",
    re.I)
_LINKS = re.compile(
    # An address, tried only at an "@" (\S+@\S+\.\w+ backtracked: cubic on "@a.@a.@a.").
    r"https?://|www\.|(?<=[^\s@])@[^\s@]{1,253}\.\w|"
    r"(?<![\w&])[@#][^\W\d_]\w*|\.(com|org|net|co\.uk|de|fr|es)\b|\s[|•·»]\s", re.I
)
#: The same patterns, searched only in texts that hold one of their trigger strings.
_SELF_REFERENCE_GATED = Gated.of(_SELF_REFERENCE)
_LINKS_GATED = Gated.of(_LINKS)
_TOKEN = re.compile(r"\S+")
#: A numeric token holds at least one run of these (runs never span two tokens).
_NUMERIC_RUN = re.compile(r"[\d©®™|•·/\\-]+")
_NUMERIC = re.compile(r"^[\W\d_]*\d[\W\d_]*[kKmM]?$|^[©®™|•·/\\-]+$")


def signals(
    text: str,
    *,
    stop_words: Collection[str],
    code: str = "en",
    repeats: int = 1,
    edge: bool = False,
) -> frozenset[str]:
    """The boilerplate signals that ``text`` shows.

    Args:
        text: a sentence or a short line.
        stop_words: the language's stop words (lower case); without them ``few_stop_words``
            is not judged.
        code: the language's ISO 639-1 code (for second-person words and imperatives).
        repeats: how many times the text occurs in its document.
        edge: whether the text is at the very start or end of its document.
    """
    found: set[str] = set()
    lexical = lexical_words(text)
    words = [w.lower() for w in lexical]
    count = count_words(text)
    if count <= SHORT_WORDS:
        found.add("short")
    if not ends_like_sentence(text):
        found.add("unpunctuated")
    if edge:
        found.add("edge")
    if repeats > 1:
        found.add("repeated")
    if stop_words and len(words) >= 2 and sum(w in stop_words for w in words) <= 0.12 * len(words):
        found.add("few_stop_words")
    if words and _calls_to_action(words, lexical, code):
        found.add("call_to_action")
    folded = fold(text)
    if _SELF_REFERENCE_GATED.search(text, folded):
        found.add("self_reference")
    if _LINKS_GATED.search(f" {text} ", folded):
        found.add("links")
    if 2 <= count <= LABEL_WORDS and "unpunctuated" in found and all(w[:1].isupper() for w in lexical):
        found.add("label")
    tokens = _TOKEN.findall(text)
    if (tokens and len(_NUMERIC_RUN.findall(text)) >= 0.4 * len(tokens)
            and sum(bool(_NUMERIC.match(t)) for t in tokens) >= 0.4 * len(tokens)):
        found.add("numeric")
    return frozenset(found)


def _calls_to_action(words: list[str], lexical: list[str], code: str) -> bool:
    """Whether the words open with an imperative, address the reader, or hold a capitalised
    prompt ("... Ltd Get the app"); ``words`` are ``lexical`` lower-cased."""
    if words[0] in _IMPERATIVES.get(code, _IMPERATIVES["en"]):
        return True
    if not _SECOND_PERSON.get(code, _SECOND_PERSON["en"]).isdisjoint(words):
        return True
    later = lexical[1:]
    if not _PROMPTS.isdisjoint(words[1:]) and any(w[:1].isupper() and w.lower() in _PROMPTS for w in later):
        return True
    return code == "de" and not _GERMAN_FORMAL_YOU.isdisjoint(later)


def removes(rule: str | None, found: Collection[str]) -> bool:
    """Whether a rule match (or none) and the signals found together remove a piece: a rule and
    at least one signal, or :data:`SIGNALS_ALONE` signals of which :data:`CONTENT_ALONE` are about
    content."""
    if rule is not None:
        return bool(found)
    return len(found) >= SIGNALS_ALONE and len(CONTENT_SIGNALS.intersection(found)) >= CONTENT_ALONE


_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """``text`` reduced to its lower-cased words, to find repeats."""
    return " ".join(_WORD.findall(text.lower()))
