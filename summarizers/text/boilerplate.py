"""Boilerplate that CMSs and scrapers leave in article text: rules by family.

Each rule is a family (``reason``), a regular expression and the most words a text may have
for the rule to apply. :func:`boilerplate_reason` says which rule a short line or a sentence
matches. A rule alone never removes anything: :mod:`summarizers.document` asks the general
signals of :mod:`summarizers.text.signals` to agree first.

Boilerplate glued to a real sentence ("Scroll down for video Reality star Kim said ...",
"... on their grounds (file picture)") is cut from it: :func:`glued_prefix` and
:func:`glued_suffix` find where the boilerplate ends (a capitalised word after an
unpunctuated one) and :func:`header_run_length` the "By . Author . PUBLISHED: ..." runs of
scraped tabloid pages. Families: comment forms and counts, newsletters, consent and cookie
banners, paywalls, app prompts, captions and gallery counters, bylines, datelines, agency
credits and copyright lines, corrections and update notes, video prompts, share buttons,
adverts, "most read / related" lists; in English, German, French and Spanish.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import ahocorasick

from .triggers import fold, prefix_strings, trigger_strings, unusual_digit
from .words import count_words, word_starts

_I = re.IGNORECASE
#: Months and days: "By September, ..." opens a sentence, not a byline.
_WHEN = (r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|"
         r"Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Then|Now|"
         r"The|This|That|These|Those|Next|Last|Early|Late|Mid|Midnight|Noon|You|Me|Us|Him|Her|It|Them|Myself|"
         r"Yourself|Himself|Herself|Itself|Themselves|Far|Contrast|Comparison|Then|Now|Default|Design|Chance|"
         r"Law|Accident|Mistake|Way|Order|Name|Nature|Definition|Rights|Comparison)")

#: (reason, pattern, maximum words for the rule to apply or None for any length)
#: An agency photo caption's opening ("In this March 2, 2019, photo, ..."): the whole sentence is
#: the caption, so it is removed whole, never cut.
CAPTION_SENTENCE = re.compile(r"^in\s+this\s+(\w+[\s,]+){0,8}(file\s+)?(photo|image|picture|photograph)\b", _I)

#: The agency credit that closes a photo caption block: "(AP Photo/Minh Hoang)", "(Reuters)".
_CAPTION_CREDIT = re.compile(
    r"\(\s*(?:AP|AFP|Reuters|EPA|dpa|EFE|PA|Getty\s+Images)(?:\s+(?:Photo|Images?|Foto)s?)?\s*(?:/[^()]{0,80})?\)\s*\.?$"
)
#: A caption block spans at most this many sentences after its opening one.
CAPTION_BLOCK_SENTENCES = 3


def caption_block_end(sentences: list[str], opening: int) -> int:
    """The index of the last sentence of the agency photo caption that ``sentences[opening]``
    opens ("In this March 2, 2019, photo, ..."): the sentence that ends with the agency's credit
    ("... Putin. (AP Photo/Minh Hoang)") within :data:`CAPTION_BLOCK_SENTENCES`, else
    ``opening`` itself (a caption sentence alone)."""
    last = min(len(sentences) - 1, opening + CAPTION_BLOCK_SENTENCES)
    for k in range(opening + 1, last + 1):
        if _CAPTION_CREDIT.search(sentences[k]):
            return k
    return opening


_RULES: list[tuple[str, re.Pattern[str], int | None]] = [
    # Comment forms and counters.
    ("comment_form", re.compile(
        r"^(please\s+)?(enter|leave|post|add|write|submit)\s+(a\s+|your\s+)?"
        r"(comment|reply|response|name|e-?mail)\b", _I), 12),
    ("comment_form", re.compile(r"^(you\s+must\s+be\s+)?log(ged)?\s*in\s+to\s+(post|comment|reply)", _I), 15),
    ("comment_form", re.compile(r"^comments?\s+(are|is|have\s+been)\s+(closed|disabled)", _I), 10),
    ("comment_form", re.compile(
        r"^(\d[\d.,]*\s*[kKm]?\s+(comments?|kommentare?|commentaires?|comentarios?|réactions?|reacciones)|"
        r"(view|show|load|read|see|hide)\s+(all\s+)?(\d+\s+)?comments?|"
        r"(kommentare?|commentaires?|comentarios?)\s*(\(\d+\)|anzeigen|ansehen|lesen)?|"
        r"(voir|afficher|lire)\s+(les\s+)?(\d+\s+)?commentaires|ver\s+(los\s+)?(\d+\s+)?comentarios|"
        r"(réagir|kommentieren|comentar|comment)\s*(\(\d+\))?)\s*[.:!]?$", _I), 8),
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
    ("newsletter", re.compile(r"\b(newsletter|boletín|bulletin)\b.{0,60}\b(abonnieren|bestellen|anmelden|"
                              r"inscri(vez|re|bete|birse)|suscr[ií](bete|birse|base)|recevez|recibe)\b", _I), 25),
    ("newsletter", re.compile(r"^(abonnieren|inscrivez-vous|abonnez-vous|suscr[ií]bete|reg[ií]strate|"
                              r"jetzt\s+(anmelden|abonnieren)|melden\s+sie\s+sich)\b.{0,80}"
                              r"(newsletter|boletín|bulletin|lettre|e-?mail|courriel|correo)", _I), 25),
    # Consent and cookie banners.
    ("consent", re.compile(
        r"\b(cookies?|cookie-\w+)\b.{0,160}\b(use|uses|using|accept|agree|consent|policy|settings|preferences|"
        r"experience|verwenden|verwendet|nutzen|akzeptieren|zustimmen|einverstanden|einstellungen|richtlinie|"
        r"utilis\w+|accept\w+|paramètres|politique|utiliza\w*|usamos|acept\w+|pol[ií]tica|configura\w+)\b", _I), 45),
    ("consent", re.compile(
        r"\b(we|wir|nous|usamos|utilizamos|utilisons|verwenden)\b.{0,60}\b(cookies?|tracking|tracker|"
        r"traceurs|rastreo)\b", _I), 45),
    ("consent", re.compile(
        r"^(by\s+(continuing|using|clicking)|durch\s+(die\s+)?(weitere\s+)?nutzung|en\s+(poursuivant|continuant|"
        r"cliquant)|(al|si)\s+(continuar|contin[uú]a|sigue|hacer\s+clic))\b.{0,120}\b(agree|accept|consent|"
        r"stimmen|einverstanden|akzeptieren|accept\w*|acept\w*|consiente)", _I), 45),
    ("consent", re.compile(
        r"^(accept|reject|decline|manage|customi[sz]e)\s+(all|cookies|preferences|settings|options)\b|"
        r"^(alle\s+(akzeptieren|ablehnen)|tout\s+(accepter|refuser)|aceptar\s+(todo|todas|todas\s+las\s+cookies)|"
        r"rechazar\s+todo|privacy\s+(settings|preferences|policy)|datenschutz(erklärung|einstellungen)?|"
        r"politique\s+de\s+confidentialité|pol[ií]tica\s+de\s+privacidad)\b", _I), 8),
    # Paywalls and metering.
    ("paywall", re.compile(
        r"\b(subscribe|log\s*in|sign\s*in|subscription|subscribers?|members?)\b.{0,80}\b(continue|keep)\s+"
        r"reading\b|^(continue|keep)\s+reading\b.{0,60}\b(subscri\w+|members?|log\s*in|sign\s*in)", _I), 30),
    ("paywall", re.compile(
        r"\b(you('ve|\s+have)\s+(read|reached|used)|you\s+have\s+\d+)\b.{0,60}\b(free|articles?|stories|limit)\b|"
        r"\b(already\s+a\s+(subscriber|member)|for\s+subscribers\s+only|(is|are)\s+(only\s+)?(available|reserved)\s+"
        r"(to|for)\s+(subscribers|members)|exclusive\s+(to|for)\s+subscribers|unlock\s+(this|the|full)\s+"
        r"(article|story)|get\s+unlimited\s+(digital\s+)?access|become\s+a\s+(subscriber|member))\b", _I), 35),
    ("paywall", re.compile(
        r"\b(nur\s+für\s+(abonnenten|abonnentinnen|abonnierende)|bereits\s+abonnent|jetzt\s+(weiterlesen|abonnieren)|"
        r"weiterlesen\s+mit|kostenlose[nr]?\s+artikel|artikel\s+frei(schalten|geschaltet)|um\s+(diesen|den)\s+"
        r"artikel\s+(weiter\s+)?zu\s+lesen|plus-artikel|abo\s+abschließen)\b", _I), 35),
    ("paywall", re.compile(
        r"\b(réservée?s?\s+aux\s+abonnés|déjà\s+abonné|pour\s+lire\s+la\s+suite|il\s+vous\s+reste\s+\d+|"
        r"articles?\s+gratuits?|lire\s+la\s+suite\s+(de\s+l'article|pour)|abonnez-vous\s+pour|"
        r"contenu\s+(réservé|exclusif))\b", _I), 35),
    ("paywall", re.compile(
        r"\b(exclusivo\s+para\s+(suscriptores|socios|abonados)|ya\s+eres\s+(suscriptor|socio)|para\s+seguir\s+"
        r"leyendo|sigue\s+leyendo\s+con|art[ií]culos\s+gratuitos|l[ií]mite\s+de\s+art[ií]culos|"
        r"suscr[ií]bete\s+para|contenido\s+exclusivo)\b", _I), 35),
    ("paywall", re.compile(r"^(log\s*in|sign\s*in|anmelden|einloggen|se\s+connecter|connexion|iniciar\s+sesi[oó]n|"
                           r"inicia\s+sesi[oó]n|register|registrieren|s'inscrire|reg[ií]strate)\s*[.!]?$", _I), 3),
    # App-download prompts.
    ("app", re.compile(
        r"\b(download|get|install|open|read\s+(it|this)|try)\s+(it\s+)?(on\s+|in\s+)?(our|the|this|\w+'s)?\s*"
        r"([\w-]+\s+){0,3}apps?\b|\b(app\s+store|google\s+play|play\s+store)\b", _I), 25),
    ("app", re.compile(
        r"\b(app\s+(herunterladen|laden|installieren|öffnen)|in\s+der\s+app\s+(öffnen|lesen)|laden\s+sie\s+"
        r"(sich\s+)?(jetzt\s+)?(die|unsere)\s+([\w-]+\s+)?app|téléchargez\s+(l'|notre\s+|gratuitement\s+l')"
        r"(application|appli|app)|ouvrir\s+dans\s+l'(application|appli|app)|descarg[ae]\s+(la|nuestra)\s+"
        r"(app|aplicaci[oó]n)|abrir\s+en\s+la\s+(app|aplicaci[oó]n))\b", _I), 25),
    # Photo captions, credits and gallery counters.
    ("caption", re.compile(
        r"\((?:[^()]*\b(?:Photo|Photograph|Image|Picture|Getty|Credit|Courtesy|Pool|Foto|Bild|Imagen|Fuente)\b[^()]*"
        r"|\s*(?:AP|AFP|Reuters|EPA|PA|dpa|EFE)\s*/[^()]*)\)\s*\.?$", _I), None),
    ("caption", re.compile(r"^(photo|image|picture|video|caption|credit|illustration|graphic|foto|bild|"
                           r"bildquelle|fotos?|imagen|crédit\s+photo|crédits?|légende|pie\s+de\s+foto)s?"
                           r"(\s+credit)?\s*(:|\||/|–|—|-\s|©)", _I), 40),
    ("caption", re.compile(r"(Getty\s+Images|Shutterstock|AP\s+Photo|/\s*Reuters|/\s*AFP|/\s*AP|/\s*EPA|/\s*dpa|"
                           r"picture\s+alliance|/\s*EFE)(\s+file)?\s*\)?\.?$", _I), 40),
    ("caption", CAPTION_SENTENCE, None),
    ("caption", re.compile(r"^((image|photo|picture|slide|bild|foto|imagen|diapositiva)\s+)?\d+\s*(of|/|von|sur|de)\s*"
                           r"\d+\s*$", _I), 6),
    ("caption", re.compile(r"^(image|photo|picture|bild|foto|imagen)\s+\d+\s+(of|/|von|sur|de)\s+\d+", _I), 12),
    ("caption", re.compile(r"^((view|see|open|browse)\s+(the\s+)?(full\s+)?(gallery|all\s+(\d+\s+)?(photos|images|"
                           r"pictures))|(zur\s+)?(bilder)?galerie|(voir\s+)?(la\s+)?galerie(\s+photos?)?|diaporama|"
                           r"ver\s+(la\s+)?galer[ií]a|galer[ií]a\s+de\s+fotos|alle\s+bilder\s+anzeigen)\b", _I), 10),
    ("caption", re.compile(r"^FILE\s*[-–—]\s"), None),
    ("caption", re.compile(r"^(image|photo|picture)\s+(copyright|caption|source|credit)\b", _I), 40),
    ("caption", re.compile(r"^media\s+playback\s+is\s+(unsupported|not\s+supported)", _I), 12),
    # Bylines and datelines standing alone on a line.
    ("byline", re.compile(rf"^By\s+(?!{_WHEN}\b)[A-Z][\w.'’-]*(\s+[A-Z][\w.'’-]*)*\s*([,|&]|and\b|$)"), 14),
    ("byline", re.compile(r"^(Von|Par|Por)\s+[A-ZÀ-Ý][\w.'’-]*(\s+[A-ZÀ-Ý][\w.'’-]*){0,3}\s*([,|&]|$)"), 8),
    ("byline", re.compile(r"^(written|reported|posted|published|updated|last\s+updated|first\s+published|"
                          r"veröffentlicht|aktualisiert|publié|mis\s+à\s+jour|publicado|actualizado)"
                          r"(\s+(by|on|at|am|um|le|à|el|a\s+las))?\s*:?\s", _I), 14),
    ("byline", re.compile(r"^(staff|special|senior)\s+(writer|reporter|correspondent)", _I), 8),
    ("dateline", re.compile(
        r"^((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
        r"(\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2},?\s+)?\d{4}"
        r"([\s,]+\d{1,2}[:.]\d{2}\s*(am|pm|[A-Z]{2,4})?)*\s*$", _I), 10),
    ("dateline", re.compile(r"^\d{1,2}[:.]\d{2}\s*(am|pm)?(\s+[A-Z]{2,4})?(,\s+\d{1,2}\s+\w+\s+\d{4})?$", _I), 8),
    ("dateline", re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}(,?\s+\d{1,2}[:.]\d{2}(\s*(uhr|h))?)?\s*$", _I), 6),
    # Corrections and update notes.
    ("correction", re.compile(
        r"^(correction|clarification|editor'?s\s+note|update[ds]?|korrektur|korrekturhinweis|anmerkung\s+der\s+"
        r"redaktion|aktualisierung|rectificatif|mise\s+à\s+jour|note\s+de\s+la\s+rédaction|corrección|"
        r"fe\s+de\s+erratas|actualizaci[oó]n|nota\s+de\s+la\s+redacci[oó]n)\s*(\(.{0,40}\))?\s*[:–—-]", _I), 45),
    ("correction", re.compile(
        r"\b(an\s+earlier|a\s+previous)\s+version\s+of\s+this\s+(article|story|report)|"
        r"\bthis\s+(article|story|report)\s+(has\s+been|was)\s+(updated|corrected|amended|changed)\b|"
        r"\b(in\s+einer|eine)\s+(früheren|vorherigen)\s+(version|fassung)\s+(dieses|des)\s+(artikels|textes|beitrags)|"
        r"\b(dieser|der)\s+(artikel|text|beitrag)\s+wurde\s+(aktualisiert|korrigiert|ergänzt)\b|"
        r"\bune\s+(précédente|première)\s+version\s+de\s+cet\s+article|\bcet\s+article\s+a\s+été\s+"
        r"(mis\s+à\s+jour|corrigé|modifié)|\buna\s+versi[oó]n\s+anterior\s+de\s+(este|esta)\s+"
        r"(art[ií]culo|noticia|informaci[oó]n)|\b(este|esta)\s+(art[ií]culo|noticia)\s+(ha\s+sido|fue)\s+"
        r"(actualizad|corregid|modificad)[oa]", _I), 60),
    # Credits at the end of wire stories, and copyright lines.
    ("credit", re.compile(r"contributed\s+(to\s+)?(this\s+)?(report|story|article)(ing)?\b", _I), 40),
    ("credit", re.compile(r"^\(?\s*(additional\s+)?(reporting|editing|writing)\s+by\b", _I), 20),
    ("credit", re.compile(r"^\(?\s*(compiled|edited|written)\s+by\s+[A-Z][^.,;]*$"), 10),
    ("credit", re.compile(
        r"^\(?\s*(mit\s+material\s+(von|der\s+nachrichtenagenturen?)|quellen?\s*:|mitarbeit\s*:|"
        r"avec\s+(l'|les\s+)?(afp|ap|reuters|agences?)\b|(con\s+)?informaci[oó]n\s+de\s+(efe|europa\s+press|"
        r"agencias|reuters|ap|afp)|fuente\s*:|agencias?\s*$|source\s*:)", _I), 15),
    ("credit", re.compile(r"^\(?\s*((AP|AFP|dpa|Reuters|EFE|ANSA|APA|KNA|epd|SDA|Belga)\s*[/,]?\s*)+\)?\s*\.?$"), 4),
    ("credit", re.compile(r"^(copyright\s*(©|\(c\)|\d{4}|:)|©|\(c\)\s*\d{4}|urheberrecht\s*[:©]|"
                          r"droits\s+d'auteur\s*[:©])", _I), 40),
    ("credit", re.compile(r"(all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten|tous\s+droits\s+réservés|"
                          r"todos\s+los\s+derechos\s+reservados|reproduction\s+interdite|"
                          r"derechos\s+reservados)", _I), 40),
    ("credit", re.compile(r"^this\s+(article|story|piece)\s+(was|has\s+been|is|first)\s+"
                          r"(originally\s+|first\s+)?(published|appeared|posted)", _I), 40),
    ("credit", re.compile(r"^this\s+(article|story|piece)\s+(originally|first)\s+(appeared|ran|published)", _I), 40),
    # Video prompts.
    ("video", re.compile(r"^(scroll|swipe)\s+(down|up)\s+(for|to\s+(see|watch))\s+(the\s+)?video", _I), 15),
    ("navigation", re.compile(r"^(scroll|swipe)\s+(down|up)\s+(for|to)\s+(see\s+|read\s+|watch\s+)?(more|the\s+full|"
                              r"all|our|comments|pictures|photos)\b", _I), 12),
    ("video", re.compile(r"^(watch|play)(\s+the)?(\s+full)?\s+video(\s+(above|below|here))?\b", _I), 12),
    ("video", re.compile(r"^(watch|listen|video|vidéo|vídeo|ansehen|écouter|ver|mira)\s*:", _I), 20),
    ("video", re.compile(r"^(video|vidéo|vídeo)\s*:?$", _I), 2),
    ("video", re.compile(r"^(video\s+abspielen|vidéo\s+suivante|regarder\s+la\s+vidéo|ver\s+(el\s+)?v[ií]deo|"
                         r"reproducir\s+v[ií]deo)\b", _I), 12),
    # Share buttons, adverts, navigation.
    ("share", re.compile(r"^(share|teilen|partager|compartir)(\s+(this|on|via|the|den|auf|sur|cet|en|este)\b.*)?$",
                         _I), 10),
    ("share", re.compile(r"^(tweet|e-?mail|print|whatsapp|facebook|twitter|linkedin|pinterest|reddit|copy\s+link|"
                         r"drucken|imprimer|imprimir|link\s+kopieren|copier\s+le\s+lien|copiar\s+enlace|telegram|x)"
                         r"(\s*[|,/·•]\s*\w+|\s+(tweet|e-?mail|print|whatsapp|facebook|twitter|linkedin|pinterest|"
                         r"reddit|drucken|imprimer|imprimir|telegram|x|messenger|flipboard))*\s*$", _I), 10),
    ("share", re.compile(r"^\d[\d.,]*\s*[kKm]?\s+(shares?|likes?|retweets?|views?|mal\s+geteilt|partages?|"
                         r"compartid[oa]s?|veces\s+compartid[oa]|reads?)\s*$", _I), 5),
    ("share", re.compile(r"^(shares?|likes?|views?|partages?)\s*:?\s*\d[\d.,]*\s*[kKm]?\s*$", _I), 4),
    ("share", re.compile(r"^follow\s+(us|\w+(\s+\w+)?)\s+on\s+(twitter|facebook|instagram|x|tiktok|linkedin)", _I), 20),
    ("share", re.compile(r"^(follow\s+)?@\w+\s+for\s+(live\s+|the\s+latest\s+|more\s+|breaking\s+)?"
                         r"(updates|coverage|news)\b", _I), 10),
    ("share", re.compile(r"^(follow\s+@\w+|(like|follow|find)\s+us\s+on\b|click\s+to\s+(share|e-?mail|print)\b|"
                         r"folgen\s+sie\s+uns|suivez-nous|s[ií]guenos)", _I), 20),
    ("advert", re.compile(r"^(advertisement|advert|ad|sponsored(\s+content)?|promoted|paid\s+content|anzeige|werbung|"
                          r"publicité|publicidad|contenu\s+sponsorisé|contenido\s+patrocinado)\s*:?$", _I), 3),
    ("advert", re.compile(r"^(story|article)\s+continues\s+(below|after)|^(lesen\s+sie\s+nach\s+der\s+anzeige|"
                          r"weiter\s+nach\s+der\s+anzeige|la\s+suite\s+après\s+(cette\s+)?(la\s+)?publicité|"
                          r"sigue\s+(leyendo\s+)?(despu[eé]s|tras)\s+(de\s+)?la\s+publicidad)", _I), 10),
    ("navigation", re.compile(r"^(continue\s+reading|read\s+more|see\s+also|read\s+also|related"
                              r"(\s+(articles?|stories|coverage|content|topics|news))?|more\s+on\s+this(\s+story)?|"
                              r"more\s+(from|stories|news)|top\s+stories|editor'?s\s+picks?|read\s+next|up\s+next|"
                              r"you\s+(may|might)\s+(also\s+)?(like|enjoy|be\s+interested)|"
                              r"trending(\s+now)?|recommended(\s+for\s+you)?|most\s+(read|popular|viewed|shared)|"
                              r"(click|tap)\s+here)\b", _I), 20),
    ("navigation", re.compile(
        r"^(meistgelesen|meist\s+gelesen|am\s+meisten\s+gelesen|beliebte?\s+artikel|das\s+könnte\s+(sie|dich)\s+"
        r"(auch\s+)?interessieren|auch\s+interessant|mehr\s+zum\s+thema|(lesen\s+sie|lies)\s+auch|weitere\s+artikel|"
        r"empfohlen|empfehlungen|top-?themen|weiterlesen|hier\s+klicken|mehr\s+(dazu|lesen)|"
        r"les\s+plus\s+(lus|populaires|partagés)|(à\s+)?lire\s+aussi|sur\s+le\s+même\s+sujet|vous\s+aimerez\s+aussi|"
        r"recommandé|nos\s+recommandations|tendances|à\s+la\s+une|lire\s+la\s+suite|cliquez\s+ici|en\s+savoir\s+plus|"
        r"lo\s+m[aá]s\s+(le[ií]do|visto|popular)|m[aá]s\s+le[ií]d[oa]s|(te|le)\s+puede\s+interesar|"
        r"tambi[eé]n\s+(te|le)\s+puede\s+interesar|(noticias\s+)?relacionad[oa]s|lee\s+tambi[eé]n|"
        r"le[ae]\s+m[aá]s|recomendad[oa]s?|tendencias|haz\s+clic\s+aqu[ií]|pulse\s+aqu[ií]|m[aá]s\s+informaci[oó]n)\b",
        _I), 20),
    ("navigation", re.compile(r"^(listen\s+to|download)\s+(this|the)\s+(article|story|podcast)", _I), 12),
    ("navigation", re.compile(r"^(tags?|topics?|filed\s+under|categories|schlagworte|themen|mots-clés|"
                              r"étiquettes|etiquetas|temas)\s*:", _I), 30),
]

#: A dateline opening a sentence: "SEOUL, South Korea –", "WASHINGTON (Reuters) -", "(AP) —", "(CNN)".
_AGENCY = r"(?:AP|Reuters|AFP|CNN|Bloomberg|UPI|dpa|PA|EFE|ANSA)"
DATELINE_PREFIX = re.compile(
    r"^(?:"
    r"[A-Z][A-Z.'’\-]{2,}(?:\s+[A-Z][A-Z.'’\-]+)*"          # SEOUL / NEW YORK / WASHINGTON
    r"(?:,\s*[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*)*)?"        # , South Korea
    rf"(?:\s*\(\s*{_AGENCY}\s*\))?"                            # (Reuters)
    rf"\s*[–—-]{{1,2}}\s+|\(\s*{_AGENCY}\s*\)\s*(?:[–—-]{{1,2}}\s*)?"
    r")"
)

#: "By . Daily Mail Reporter . PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: . ..." and
#: "Last updated at 5:43 PM on 4th January 2012 ." runs at the start of scraped tabloid pages.
_STAMP = r"\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s+[A-Z]{2,4})?(?:,|\s+on)?\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}"
_HEADER_RUN = re.compile(
    r"^(?:(?:By\s+\.\s+(?:[^.|:]{1,60}?\s+\.\s+){1,3})"
    rf"|(?:(?:\|\s*\.?\s*)?(?:PUBLISHED|UPDATED|Last\s+updated(?:\s+at)?)\s*:?\s*\.?\s*{_STAMP}\s*\.?\s*)"
    r")+"
)

#: Sentence-final punctuation (with closing quotes or brackets after it).
_FINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")
#: Where a glued piece may end: an unpunctuated word, a space, then a capital or an opening mark.
_GLUE = re.compile(r"(?<=[\w%)\]])\s+(?=[\"“‘«(\[©]?[A-ZÀ-ÝÄÖÜ©])")
#: Where a glued piece may start at the end of a sentence: also before a number ("... 1 of 12").
_GLUE_TAIL = re.compile(r"(?<=[\w%)\]:])\s+(?=[\"“‘«(\[©]?[A-ZÀ-ÝÄÖÜ0-9©]|@\w)")
#: A trailing bracketed credit: "(file picture)", "(AP Photo/Jane Doe)", "(Photo: Reuters)".
_TRAILING_BRACKET = re.compile(r"\s{0,80}\([^()]{1,80}\)\s{0,80}\.?$")  # bounded: linear on long runs of spaces
#: Glued pieces are searched only this far into a sentence (in characters), and have at most
#: this many words.
GLUE_WINDOW = 200
GLUE_MAX_WORDS = 15


#: Rules that may match anywhere in a text (the others are anchored at its start).
_UNANCHORED = frozenset(i for i, (_, pattern, _) in enumerate(_RULES) if not pattern.pattern.startswith("^"))

def _trigger_automata() -> tuple[Any, Any, frozenset[int]]:
    """Two Aho-Corasick automata over the rules: every rule's trigger strings (one of which any
    match holds), and the anchored rules' opening strings (one of which any match starts
    with); each string maps to the rules it lets through. Also the rules without triggers."""
    by_trigger: dict[str, set[int]] = {}
    by_opening: dict[str, set[int]] = {}
    always = set()
    for i, (_, pattern, _) in enumerate(_RULES):
        triggers = trigger_strings(pattern) if i in _UNANCHORED else None  # anchored: by openings
        if i in _UNANCHORED and not triggers:
            always.add(i)
        for trigger in triggers or ():
            by_trigger.setdefault(trigger, set()).add(i)
        if i not in _UNANCHORED:
            for opening in prefix_strings(pattern) or ():
                by_opening.setdefault(opening, set()).add(i)
    automata = []
    for table in (by_trigger, by_opening):
        automaton = ahocorasick.Automaton()
        for string, rules in table.items():
            automaton.add_word(string, (len(string), frozenset(rules)))
        automaton.make_automaton()
        automata.append(automaton)
    return automata[0], automata[1], frozenset(always)


_AUTOMATON, _OPENINGS, _ALWAYS = _trigger_automata()
#: Anchored rules with no known opening string: they may open any piece.
_OPEN_ANYWHERE = frozenset(i for i in range(len(_RULES)) if i not in _UNANCHORED
                           and not prefix_strings(_RULES[i][1]))
_ANCHORED_ORDER = tuple(i for i in range(len(_RULES)) if i not in _UNANCHORED)


#: The longest opening string (a piece's first this many characters tell its openings).
_LONGEST_OPENING = max(map(len, _OPENINGS.keys()))


def _opened_by(text: str) -> frozenset[int]:
    """The anchored rules ``text`` may match: those whose opening string it starts with, and
    those with no known opening."""
    folded = fold(text[:_LONGEST_OPENING])
    if unusual_digit(folded):
        return frozenset(range(len(_RULES)))
    found = set(_OPEN_ANYWHERE)
    for end, (length, rules) in _OPENINGS.iter(folded):
        if end + 1 == length:  # the string starts the text
            found.update(rules)
    return frozenset(found)


@dataclass(frozen=True)
class _Candidates:
    """The rules a text (and every piece of it) can match, both in table order."""

    anchored: tuple[int, ...]
    unanchored: tuple[int, ...]
    #: Whether an anchored rule may match at the text's start, or at the start of a word.
    at_start: bool = True
    at_word: bool = True


@lru_cache(maxsize=4096)
def _candidates(text: str) -> _Candidates:
    """The rules ``text`` or a piece of it may match: the anchored rules whose opening string
    starts the text or a word of it where a piece can start (after a space, at a character that
    is not a lower-case letter: see ``_GLUE`` and ``_GLUE_TAIL``); the unanchored rules whose
    trigger strings occur in it and whose pattern does."""
    folded = fold(text)
    possible = set(_ALWAYS)
    for _, (_, rules) in _AUTOMATON.iter(folded):
        possible.update(rules)
    unanchored = tuple(i for i in sorted(possible) if _RULES[i][1].search(text))
    if unusual_digit(folded):
        return _Candidates(_ANCHORED_ORDER, unanchored)
    opened = set(_OPEN_ANYWHERE)
    at_start = bool(opened)
    same = len(folded) == len(text)  # offsets of the folded text are the text's own
    for end, (length, rules) in _OPENINGS.iter(folded):
        begin = end - length + 1
        # a piece starts the text, or follows a space at a capital, a digit or a mark
        if begin == 0 or (folded[begin - 1].isspace() and not (same and text[begin].islower())):
            opened.update(rules)
            at_start = at_start or begin == 0
    return _Candidates(tuple(sorted(opened)), unanchored, at_start, bool(opened))


def _applies(i: int, words: int) -> bool:
    max_words = _RULES[i][2]
    return max_words is None or words <= max_words


def may_match(text: str, where: str = "anywhere") -> bool:
    """Whether any rule could match a piece of ``text`` that starts ``where``: ``"start"`` (a
    prefix), ``"word"`` (at the start of a word), ``"anywhere"`` (``False``: none can)."""
    candidates = _candidates(text)
    if candidates.unanchored:
        return True
    if not candidates.anchored:
        return False
    return {"start": candidates.at_start, "word": candidates.at_word}.get(where, True)


def boilerplate_reason(line: str, within: str | None = None) -> str | None:
    """The boilerplate family ``line`` matches (``"caption"``, ``"consent"``...), or ``None``.

    The first rule of the table that applies to a text of this many words and matches wins.
    ``within``: a text that ``line`` is a piece of; rules that may match anywhere are tried
    only when they occur in it (pieces of one sentence are judged many times over).
    """
    stripped = line.strip()
    return _reason(stripped, count_words(stripped), within)


def _reason(stripped: str, words: int, within: str | None = None) -> str | None:
    """:func:`boilerplate_reason` of a stripped text of ``words`` words.

    Only the rules whose trigger strings occur in the text (or in ``within``) are tried, and of
    the anchored ones only those whose opening string the text starts with.
    """
    candidates = _candidates(stripped if within is None else within)
    first = len(_RULES)
    if candidates.anchored:
        opened = _opened_by(stripped)
        for i in candidates.anchored:
            if i in opened and _applies(i, words) and _RULES[i][1].match(stripped):
                first = i
                break
    for i in candidates.unanchored:
        if i >= first:
            break
        if _applies(i, words) and _RULES[i][1].search(stripped):
            return _RULES[i][0]
    return _RULES[first][0] if first < len(_RULES) else None


#: The words by which a short sentence at the edge of a block of boilerplate shows that it
#: belongs to the block ("Your privacy matters to us." before a cookie notice, "No part of it may
#: be reproduced." after "All rights reserved."), by family.
_BLOCK_WORDS: dict[str, re.Pattern[str]] = {
    "consent": re.compile(r"\b(privacy|cookies?|consent|personal\s+(data|information)|partners|ads|advertis\w*|"
                          r"tracking|preferences|datenschutz|confidentialité|privacidad)\b", _I),
    "credit": re.compile(r"\b(reproduc\w*|republish\w*|redistribut\w*|rewritten|broadcast|permission|copyright|"
                         r"rights|reserved|vervielfältig\w*|reproducci[oó]n)\b", _I),
    "newsletter": re.compile(r"\b(inbox|newsletters?|e-?mails?|subscribe\w*|sign\s*up|unsubscribe|spam)\b", _I),
    "paywall": re.compile(r"\b(subscri\w+|access|unlimited|members?|log\s*in|sign\s*in|offer)\b", _I),
    "app": re.compile(r"\b(apps?|download|store|notifications?)\b", _I),
    "share": re.compile(r"\b(share|follow|facebook|twitter|instagram|whatsapp|e-?mail)\b", _I),
    "comment_form": re.compile(r"\b(comments?|name|e-?mail|website|required|published)\b", _I),
    "navigation": re.compile(r"\b(read|stories|articles?|more|related|popular)\b", _I),
}


def belongs_to_block(sentence: str, family: str) -> bool:
    """Whether ``sentence``, next to a block of ``family`` boilerplate, uses the family's words."""
    pattern = _BLOCK_WORDS.get(family)
    return pattern is not None and pattern.search(sentence) is not None


def whole_piece(line: str) -> bool:
    """Whether an anchored rule matches the whole of ``line`` ("More stories", "Watch the
    video"): a label that is nothing but boilerplate, never the start of a sentence."""
    stripped = line.strip()
    words = count_words(stripped)
    candidates = _candidates(stripped)
    opened = _opened_by(stripped)
    for i in candidates.anchored:
        match = _RULES[i][1].match(stripped) if i in opened and _applies(i, words) else None
        if match is not None and match.end() >= len(stripped.rstrip(".:!")):
            return True
    return False


def glued_prefix(sentence: str) -> tuple[int, str] | None:
    """The shortest boilerplate piece glued, without punctuation, to the start of ``sentence``:
    ``(length, reason)`` or ``None`` (the first of :func:`glued_prefixes`)."""
    return next(glued_prefixes(sentence), None)


def glued_prefixes(sentence: str) -> Iterator[tuple[int, str]]:
    """Boilerplate pieces glued, without punctuation, to the start of ``sentence``, shortest first.

    Yields ``(length, reason)`` for each prefix that a rule matches, that does not end on an
    article or a preposition ("Subscribe to | The ..." is not where a plug ends) and whose rest still reads as a
    sentence: "Scroll down for video Reality star Kim said ..." gives the length of "Scroll down
    for video ".
    """
    if not may_match(sentence, "start"):
        return
    starts = word_starts(sentence)
    final = ends_like_sentence(sentence)
    for match in _GLUE.finditer(sentence, 0, min(len(sentence), GLUE_WINDOW)):
        rest_words = len(starts) - bisect_left(starts, match.end())  # words never hold a space
        if rest_words < 4 or not (final or rest_words >= 8):  # the rest no longer reads as a sentence
            break
        head = sentence[:match.start()]
        head_words = bisect_left(starts, match.start())
        if head.rsplit(None, 1)[-1].lower() in _OPEN_ENDED or head_words > GLUE_MAX_WORDS:
            continue
        if head.count("(") > head.count(")"):  # never inside brackets
            continue
        reason = _reason(head.strip(), head_words, sentence)
        if reason:
            yield _past_name(sentence, match.start(), match.end()), reason


def _past_name(sentence: str, head_end: int, rest_start: int) -> int:
    """Where a glued piece ending in a first name really ends: "Reporting by Jane | Doe The ..."
    is cut after "Doe" (one capitalised word followed by another capitalised word)."""
    owner = _OWNER.match(sentence, rest_start)
    if owner and reads_as_sentence(sentence[owner.end():]):  # "© 2024 | Example Media Ltd | The ..."
        return owner.end()
    words = sentence[:head_end].split()
    if len(words) < 2 or not words[-1][:1].isupper() or (words[-2][:1].isupper() and words[-2][-1] not in ":|"):
        return rest_start
    follow = _CAPITALISED_THEN_GLUE.match(sentence, rest_start)
    return follow.end() if follow else rest_start


def all_pieces(text: str, max_words: int = 30) -> str | None:
    """The family of the first piece when ``text`` is nothing but boilerplate pieces glued
    together ("Doe Advertisement Sign up for our daily newsletter" is not, "Advertisement Sign
    up for our daily newsletter" is), else ``None``. Only texts of up to ``max_words`` words."""
    if count_words(text) > max_words or not may_match(text, "word"):
        return None
    cuts = [0, *(m.end() for m in _GLUE.finditer(text)), len(text)]
    if len(cuts) > 12:
        return None
    if len(cuts) < 3:
        return None
    reasons: dict[int, str] = {len(cuts) - 1: ""}
    for i in range(len(cuts) - 2, -1, -1):
        for j in range(i + 1, len(cuts) - (i == 0)):  # two pieces at least
            if j in reasons and (reason := boilerplate_reason(text[cuts[i]:cuts[j]], text)):
                reasons[i] = reason
                break
    return reasons.get(0) or None


#: Words a phrase does not end on ("Subscribe to | The Jewish Link" goes on): articles,
#: prepositions, conjunctions, possessives, in English, German, French and Spanish.
_OPEN_ENDED = frozenset(["the", "a", "an", "to", "of", "for", "by", "with", "and", "or", "our", "your", "my", "his", "her", "their", "its", "at", "from", "into", "as", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "zu", "von", "für", "mit", "und", "oder", "unser", "unsere", "le", "la", "les", "un", "une", "des", "du", "de", "à", "au", "aux", "pour", "par", "avec", "et", "ou", "notre", "votre", "el", "los", "las", "una", "unos", "unas", "del", "al", "para", "por", "con", "y", "o", "nuestro", "nuestra", "su"])
#: A capitalised word, then a space and another capitalised word.
_CAPITALISED_THEN_GLUE = re.compile(r"(?<![\w'’.-])([A-ZÀ-Ý][\w'’.-]{0,63})\s{1,80}(?=[A-ZÀ-Ý\"“‘(©])")  # linear
#: A company's name ("Example Media Ltd"), then a space and a capitalised word.
_OWNER = re.compile(r"(?<![\w&'’.-])(?:[A-ZÀ-Ý][\w&'’.-]{0,63}\s{1,80}){0,4}(?:Ltd|Limited|Inc|LLC|plc|PLC|GmbH|AG|SA|S\.A\.|SL|SAS|"
                    r"Group|Media|News|Press|Corporation|Corp|Company|Co)\.?\s+(?=[A-ZÀ-Ý\"“‘(©])")


def glued_suffix(sentence: str) -> tuple[int, str] | None:
    """A boilerplate piece glued to the end of ``sentence``: ``(start, reason)`` or ``None``.

    A trailing bracketed credit ("... on their grounds (file picture)") or an unpunctuated
    tail that a rule matches ("... said on Monday Share this article").
    """
    bracket = _TRAILING_BRACKET.search(sentence)
    if bracket and reads_as_sentence(sentence[:bracket.start()], final=False):
        piece = sentence[bracket.start():].strip()
        if _CREDIT_IN_BRACKETS.search(" ".join(piece.split()[:4])):  # "(file picture)", "( above file photo"
            return bracket.start(), "caption"
    if not may_match(sentence, "word"):
        return None
    starts = word_starts(sentence)
    low = max(0, len(sentence) - GLUE_WINDOW)
    for match in reversed(list(_GLUE_TAIL.finditer(sentence, low))):
        tail_words = len(starts) - bisect_left(starts, match.end())  # words never hold a space
        if bisect_left(starts, match.start()) < 4 or tail_words > GLUE_MAX_WORDS:
            break
        tail = sentence[match.end():]
        reason = _reason(tail.strip(), tail_words, sentence)
        if reason and reason not in _NOT_GLUED_AFTER:
            return match.start(), reason
    return None


def glued_infixes(sentence: str, families: frozenset[str], max_words: int) -> Iterator[tuple[int, int, str]]:
    """Boilerplate labels glued, without punctuation, inside ``sentence``, leftmost and shortest
    first: ``(start, end, reason)`` of each piece of at most ``max_words`` words that a rule of
    one of ``families`` matches ("... a fifth next year @desk for live updates The council ...").

    The text before a piece holds four words or more and the text after it reads as a sentence
    (:func:`reads_as_sentence`); a piece starts where a glued tail may (:data:`_GLUE_TAIL`) and
    ends where a glued prefix may (:data:`_GLUE`), not on an article or a preposition, never
    inside brackets; it opens with a letter or an ``@`` (a counter such as "45 comments" is no
    label). A label at the very end is :func:`glued_suffix`'s; one at the start,
    :func:`glued_prefixes`'. Linear: each start tries at most ``max_words`` ends.
    """
    candidates = _candidates(sentence)
    anywhere = any(_RULES[i][0] in families for i in candidates.unanchored)  # found in the sentence
    if not anywhere and not (candidates.at_word and any(_RULES[i][0] in families for i in candidates.anchored)):
        return  # no rule of the families opens at a word of it
    starts: list[int] | None = None  # word starts and piece ends: only once a start may open a label
    ends: list[tuple[int, int]] = []
    final = ends_like_sentence(sentence)
    first_end, depth, counted = 0, 0, 0  # brackets open before ``counted`` (counted lazily: linear)
    for tail in _GLUE_TAIL.finditer(sentence):
        begin = tail.end()
        if sentence[begin].isdigit():  # a label is words ("1.2K shares" is a counter)
            continue
        if not anywhere and not any(_RULES[i][0] in families
                                    for i in _opened_by(sentence[begin:begin + _LONGEST_OPENING])):
            continue
        depth += sentence.count("(", counted, begin) - sentence.count(")", counted, begin)
        counted = begin
        if depth > 0:  # never inside brackets
            continue
        if starts is None:
            starts = word_starts(sentence)
            ends = [(m.start(), m.end()) for m in _GLUE.finditer(sentence)]
        before = bisect_left(starts, tail.start())
        if before < 4:
            continue
        if len(starts) - before < 5:  # no room for a piece and a sentence after it
            break
        while first_end < len(ends) and ends[first_end][0] <= begin:
            first_end += 1
        for end, rest in ends[first_end:first_end + max_words]:  # a piece of max_words words ends by then
            words = bisect_left(starts, end) - before
            rest_words = len(starts) - bisect_left(starts, rest)  # the rest reads as a sentence
            if words > max_words or rest_words < 4 or not (final or rest_words >= 8):
                break
            piece = sentence[begin:end]
            if piece.rsplit(None, 1)[-1].lower() in _OPEN_ENDED:  # "OS X, the | Apple ..." goes on
                continue
            reason = _reason(piece, words, sentence)
            if reason in families:
                yield begin, end, reason
                break


#: Families that are never glued after a sentence ("I'll Stand By You", "director Lars Von Trier").
_NOT_GLUED_AFTER = frozenset({"byline", "dateline"})
#: A bracketed credit: a picture word, or an agency with a photographer ("(AP/Jane Doe)").
_CREDIT_IN_BRACKETS = re.compile(
    r"\b(file\s+)?(photo|photos|picture|pictures|pic|image|images|photograph|foto|fotos|bild|imagen|archivbild|"
    r"archivfoto|illustration|video|getty|credit|courtesy|pictured|shutterstock)\b|"
    r"\(\s*(AP|AFP|Reuters|EPA|dpa|EFE|PA)\s*/", _I)
#: Markers that stand for boilerplate on their own, even as one word glued to a sentence.
MARKERS = frozenset({"advertisement", "advertisement:", "anzeige", "werbung", "publicité", "publicidad",
                     "sponsored content", "paid content", "contenu sponsorisé", "contenido patrocinado"})


def reads_as_sentence(text: str, *, final: bool = True) -> bool:
    """Whether ``text`` looks like a sentence of prose: four words or more, and (with ``final``)
    no more than a short unpunctuated piece."""
    words = count_words(text)
    if words < 4:
        return False
    return not final or ends_like_sentence(text) or words >= 8


def header_run_length(line: str) -> int:
    """How many leading characters of ``line`` are a "By . Author . PUBLISHED: ..." run."""
    match = _HEADER_RUN.match(line)
    return match.end() if match else 0


def dateline_length(sentence: str) -> int:
    """How many leading characters of ``sentence`` are a dateline ("SEOUL, South Korea – ")."""
    match = DATELINE_PREFIX.match(sentence)
    if not match or match.end() >= len(sentence):
        return 0
    return match.end()


def ends_like_sentence(line: str) -> bool:
    """Whether ``line`` ends with sentence-final punctuation."""
    return _FINAL.search(line.rstrip()) is not None


@cache
def rule_families() -> tuple[str, ...]:
    """Every family a rule can report, in table order."""
    return tuple(dict.fromkeys(reason for reason, _, _ in _RULES))
