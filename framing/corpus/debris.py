"""A score for page debris that needs no list of sites.

A short line is scored by the patterns it shows: a link, a credit, a call to action, a comment
form, a legal notice, a contributor line, a timestamp, a lone dateline, a menu, the outlet's
own name, a section name; and by its shape (short, no function words, no end punctuation).
Prose pulls the score down (a long punctuated sentence, a quotation). The weights live in the
corpus rules (``debris:`` in framing/conf/corpus/default.yaml); a line at the threshold or
above is debris, and the features that fired are its reason in the cleaning report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from framing.corpus.rules import DebrisRules

_I = re.IGNORECASE
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"

#: each debris feature: a regex searched in the line
PATTERNS: dict[str, re.Pattern] = {
    "link": re.compile(
        r"https?://|\bwww\.|\b[\w.-]+@[\w-]+\.\w+|(?:^|\s)@\w{2,}|\b\w+\.(?:com|org|net|co\.\w\w)\b",
        _I,
    ),
    "credit": re.compile(
        r"\((?:photo|image|video|file photo)\b|\b(?:photo|image|video|picture)s?\s*(?:by|credit)\b"
        r"|^(?:photo|image|video|credit)s?\s*:|\bphoto\s*:|\bvia getty\b|\bgetty images\b"
        r"|\b(?:ap|afp|pool|file|staff)\s+photo\b|\bphoto\s*/|\bphoto via\b"
        r"|\(\s*[A-Z][\w .'-]{1,30}/[A-Z][\w .'-]{1,40}\)\s*$"
        r"|(?:^|[.)]\s+)(?-i:[A-Z][A-Za-z]{1,12})/(?-i:[A-Z][a-z]+)(?: (?-i:[A-Z][a-z]+)){0,3}\s*$",
        _I,
    ),
    "call_to_action": re.compile(
        r"\b(?:subscribe|sign up|sign in|log in|logged in|newsletter|click here|tap here"
        r"|continue reading|read (?:more|full|the full|the original|the rest)|story continues"
        r"|view comments|comments?\s*\(\d+\)|^\d+ comments?$|leave a (?:reply|comment)"
        r"|post (?:a )?comment|add a comment|download (?:the|our)\b|get the app"
        r"|join (?:us|our)\b|follow (?:us|our|him|her|them|\w+['’]s)\b(?:.*\bon\b)?"
        r"|share (?:on|this|via)\b|^share$|like this|like loading|skip to|more from\b"
        r"|related (?:stories|articles|news|content|topics)|purchase licensing|reprints?\b"
        r"|^tags?:|^tagged\b|\| tagged\b|you may also like|recommended for you|most read"
        r"|delivered to your inbox|for the latest (?:news|updates)|whatsapp|telegram channel)",
        _I,
    ),
    "comment_form": re.compile(
        r"email address will not be published|required fields are marked"
        r"|save my name, email|^(?:name|e-?mail|website|comment)\s*\*$",
        _I,
    ),
    "legal": re.compile(
        r"\bdisclaimer\b|copyright|©|all rights reserved|views expressed|not necessarily reflect"
        r"|has not been edited|not been edited by|auto-generated|editorial responsibility"
        r"|may not be (?:published|reproduced)|originally (?:published|appeared)"
        r"|republished (?:from|here|with|under)|is republished|distributed by|creative commons"
        r"|trust principles|our standards|with permission|press release",
        _I,
    ),
    "contributor": re.compile(
        r"contributed to this report|\b(?:reporting|editing|writing|additional reporting)"
        r" by\b|^(?:editor|source|sources|author|written by)\s*:|^(?-i:[Bb]y\s+[A-Z])"
        r"|\bis an? (?:\w+ ){0,3}(?:fellow|correspondent|reporter|writer|editor|columnist"
        r"|journalist|analyst|researcher|professor)\b.*\b(?:writes|covers|reports)\b"
        r"|\bwrites (?:about|on)\b",
        _I,
    ),
    "timestamp": re.compile(
        r"\b(?:last )?updated\b|^published\b|\bposted (?:on|at)\b|\b\d+ (?:min|minutes?|hours?"
        r"|days?|weeks?) (?:ago|read)\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b"
        rf"|^{_WEEKDAY},? |^{_MONTH} \d{{1,2}},? \d{{4}}|^\d{{1,2}} {_MONTH},? \d{{4}}",
        _I,
    ),
    "dateline": re.compile(
        r"^(?-i:[A-Z][A-Z .'’-]{2,})(?:, [\w .'’-]{2,30})?(?:,? (?-i:[A-Z][a-z]{2,8})\.? \d{1,2})?"
        r" \([^()]{1,30}\)\s*[-—–]{1,2}$",
    ),
    "menu": re.compile(r"(?:\S[^|›»·]{0,30}\s[|›»·]\s){2,}|^(?:\S+\s[|›»·]\s)+\S"),
}
#: (words, characters): a line must hold one of a feature's words (lowercase) or characters
#: before its pattern is tried; the regexes are slow on long lines, a set test is not
TRIGGERS: dict[str, tuple[frozenset[str], str]] = {
    name: (frozenset(words.split()), chars)
    for name, words, chars in [
        ("link", "http https www com org net", "@/"),
        (
            "credit",
            "photo photos image images video videos picture pictures credit credits "
            "getty pool file",
            "/",
        ),
        (
            "call_to_action",
            "subscribe subscribed subscription subscriber subscribers sign "
            "log logged newsletter newsletters click tap reading continues read comments "
            "leave download app join follow share loading skip related licensing "
            "reprint reprints tag tags tagged recommended inbox latest whatsapp telegram",
            "",
        ),
        ("comment_form", "email e-mail required save", "*"),
        (
            "legal",
            "disclaimer copyright rights views reflect edited auto-generated editorial "
            "published republished republish appeared distributed creative principles standards "
            "permission release",
            "©",
        ),
        (
            "contributor",
            "contributed reporting editing writing editor source sources author "
            "written writes covers",
            "",
        ),
        ("timestamp", "updated published posted ago read", "0123456789:"),
        ("dateline", "", "("),
        ("menu", "", "|›»·"),
    ]
}
#: words common in prose that trigger a feature only in lines of at most 12 words
SHORT_LINE_WORDS = {"call_to_action": frozenset({"comment", "like", "from", "more", "add", "post"})}
#: features looked for only in short lines (at most this many words): a timestamp, a menu or
#: a lone dateline is never a long line
SHORT_LINE_FEATURES = {"timestamp": 15, "menu": 30, "dateline": 12}


def _triggered(name: str, line: str, tokens: set[str], n_words: int) -> bool:
    if n_words > SHORT_LINE_FEATURES.get(name, n_words):
        return False
    words, chars = TRIGGERS[name]
    if name == "contributor" and line[:3].lower() == "by ":
        return True
    if n_words <= 12 and not SHORT_LINE_WORDS.get(name, frozenset()).isdisjoint(tokens):
        return True
    return not words.isdisjoint(tokens) or any(c in line for c in chars)


#: words of a Title Case masthead ("Harbor Times", "Courtside Wire")
MASTHEAD = re.compile(
    r"^(?:[A-Z][\w&’'.-]*\s){0,3}(?:Times|Wire|Post|News|Press|Herald|Review|Courier|Daily"
    r"|Journal|Tribune|Gazette|Observer|Digest|Today|Weekly|Agency|Network|Service|Media"
    r"|Online|Radio|TV)(?:\s[A-Z][\w&’'.-]*){0,2}$"
)
#: function words: an English sentence almost always has one of them
FUNCTION_WORDS = frozenset(
    str.split(
        "a an the of to in on at for with by from as and or but is are was were be been has have "
        "had will would can could should may might must do does did said says it its this that "
        "these those he she they we you i his her their our not no after before over under about "
        "into than then there here who which what when where why how up out so if"
    )
)
END_PUNCTUATION = re.compile(r"[.!?…][\"”’')\]]*$")
QUOTES = re.compile(r"[“”\"]")
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class PageContext:
    """What the scorer knows of the page: the outlet's name and the web domain's label."""

    outlet: str = ""
    url: str = ""

    def names(self) -> set[str]:
        names = set()
        if self.outlet and self.outlet != "unknown":
            names.add(_squash(self.outlet))
        if self.url:
            host = urlsplit(self.url if "//" in self.url else "//" + self.url).hostname or ""
            labels = [x for x in host.split(".") if x not in ("www", "en", "english", "m")]
            if labels:
                names.add(_squash(labels[0]))
        return {n for n in names if n}


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def debris_features(line: str, rules: DebrisRules, context: PageContext) -> list[str]:
    """The names of the debris and prose features a line shows."""
    words = _WORD.findall(line)
    n = len(words)
    tokens = {w.lower() for w in words}
    fired = [
        name
        for name, rx in PATTERNS.items()
        if _triggered(name, line, tokens, n) and rx.search(line)
    ]
    lowered = line.lower().strip(" :.")
    squashed = _squash(line)
    names = context.names()
    if squashed and n <= 6 and any(squashed == x or x.startswith(squashed) for x in names):
        fired.append("outlet_name")
    if n <= 4 and MASTHEAD.match(line.strip()):
        fired.append("masthead")
    if lowered in rules.section_names:
        fired.append("section")
    if n <= 3:
        fired.append("short")
    has_function_words = any(w.lower() in FUNCTION_WORDS for w in words)
    if not has_function_words:
        fired.append("no_prose")
    punctuated = bool(END_PUNCTUATION.search(line))
    if not punctuated:
        fired.append("unpunctuated")
    if n >= 8 and punctuated and has_function_words:
        fired.append("sentence_like")
    if QUOTES.search(line):
        fired.append("quoted")
    return fired


def debris_score(line: str, rules: DebrisRules, context: PageContext) -> tuple[float, list[str]]:
    """(score, features) of one line; a line longer than ``rules.max_words`` scores 0."""
    if len(line.split()) > rules.max_words:
        return 0.0, []
    fired = debris_features(line, rules, context)
    return sum(rules.weights.get(f, 0.0) for f in fired), fired


def debris_reason(line: str, rules: DebrisRules, context: PageContext) -> str | None:
    """Why a line is debris ("credit+unpunctuated = 3.5"), or None when it is not."""
    score, fired = debris_score(line, rules, context)
    if score < rules.threshold:
        return None
    return f"{'+'.join(f for f in fired if rules.weights.get(f, 0.0))} = {score:g}"
