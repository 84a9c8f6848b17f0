"""Hand-written English cues: what a human reader would point at to justify a label.

Each cue is a regular expression over the post's lower-cased message (`PostText.lower`) and a short
reason shown on the Slack card. Cues explain; they do not decide. The learned model (`model.py`) decides
question, complaint and praise: on real posts, cues as model features and the rules that once overruled
the model (irony, mixed reviews, thanks closing a request) each cost F1 in cross-validation
(docs/triage.md), so a card shows the cues behind a label the model put on, or the model's score.
Spam and noise are decided by cues alone (`spam_score`, `noise_reasons`): they are rare in real
traffic to a care account, and their signs are mechanical.
"""

import re
from dataclasses import dataclass

from .text import PostText

# Where a sentence may start: the beginning, after . ! ? or after a greeting.
_CLAUSE_START = r"(?:^|[.!?]\s+|\b(?:hi|hello|hey|hiya|quick one|so|also|and)\b[,:!]?\s+)"
_PRAISE_WORDS = (
    # "thanks in advance", "I'd appreciate it if" and "the best way to" ask for something: they
    # thank nobody for anything yet.
    r"(?:thank(?:s| you| u)|thx|ty)(?! in advance)|cheers|appreciate[ds]?(?! it if)|grateful|kudos|shout ?out|respect|props"
    r"|(?<!would )(?<!'d )love[ds]?|loving|(?<!would be )great|amazing|brilliant|excellent|fantastic|outstanding|incredible|lovely|perfect(?:ion)?"
    r"|delicious|impress(?:ed|ive)|best(?! way)|awesome|superb|wonderful|legends?|you rock|well done|nice one"
    r"|smooth(?:est)?|painless|helpful|so kind|friendly|recommend|game changer|top service|never disappoints"
    r"|above and beyond|better than expected|restored my faith|what more could you want|made (?:my|our) (?:day|morning|trip)"
    r"|spot on|delighted|happy with|well worth|fab|gorgeous|genius|flawless(?:ly)?|nice work|good job|great job"
    r"|fair play|saved (?:my|our|the) (?:day|night|bacon|trip)|made (?:my|our) (?:week|night|holiday)|10/10|chef's kiss"
    r"|(?:keeps|just keeps) (?:getting better|improving)"
    # compliments with no classic praise word that nobody uses about a failure
    r"|hero(?:es)?|life ?savers?|hats off|big up|(?:can't|cannot|couldn't) fault|no regrets|worth every penny"
    r"|credit to (?:you|your|the|whoever)|top notch|chuffed|thrilled|blown away|(?:so|very|really|super) (?:pleased|happy)"
    r"|pleased with|made up with|class act|beautiful|(?:unreasonably|genuinely|honestly|well) (?:pleased|happy|impressed)"
)
_PRAISE_EMOJI = r"🙏|❤️|❤|🙌|🔥|👍|😍|👏|✨|💯|🥰|😊|✈️|👌|🥳|🥹|😻|🤩|🫶|💙|💚|💜|🧡|💛|♥️|🏆|🌟|⭐"
_PROBLEM_WORDS = (
    r"broken|nothing works|(?:stopped|stops) working|(?<!ran )(?<!run )(?<!came )(?<!sat )(?<!put )(?<!wrote )(?<!calmed )down(?! (?:to|the|a|my|floors?|stairs)\b)|outage|crash(?:es|ed|ing)?|not (?:working|work|sending|loading)|(?:doesn't|won't|didn't|can't|couldn't|cannot) "
    r"(?:work|open|load|let|find|get|log|pay|receive|send|connect|access|understand)|fail(?:s|ed|ing)?|error|bug|lost|losing|missing|damaged|crushed|"
    r"soaked|wrong|late|delay(?:ed|s)?|cancel(?:l)?ed|declined|blocked|(?:over|double )?charg(?:e|ed|es|ing)|charged? (?:me|us)|"
    r"double charged|refund|no (?:signal|reply|response|update|explanation|info|one|water)|on hold|"
    r"still (?:no|not|waiting|haven't|hasn't)|hasn't (?:arrived|landed)|never (?:came|arrived)|wiped|"
    r"disappear(?:ed|s)|logged (?:me )?out|leak(?:s|ing)?|filthy|(?:is|was|gone|tasted|smelt|smells) off|burnt|cold|lukewarm|mystery|unavailable|"
    r"slow(?:er)?|lag(?:s|gy|ging)?|throttled|stuck|snapped|scratched|fro(?:ze|zen)|freezing|overbooked|bumped|"
    r"ignor(?:ed|es|ing)|lied|hung up|rip(?:ped)? off|robbery|(?:zero|no|without (?:any )?)(?:notice|warning)|"
    r"without telling|doubled|tripled|price (?:rise|hike|increase)|(?:go|goes|went|gone) up|(?:can't|never) get through|"
    r"worse|removed|delet(?:ed|ing) my|spill(?:ed|t)?|threw|thrown|"
    # product failures and bad states, named without a complaint word
    r"keeps? (?:crashing|rebooting|restarting|dropping|freezing|failing|disconnecting|cutting out|logging me out|buffering)|"
    r"reboot(?:s|ing)|drop(?:s|ping|ped) (?:out|off)(?! (?:at|the|my|a|in)\b)|cut(?:s|ting)? out|won't (?:load|start|turn on|connect|open)|"
    r"unreachable|refused|rejected|(?:over|under)charg\w*|short[- ]?changed|no[- ]show|never (?:showed|turned up)|"
    r"nowhere to be (?:found|seen)|someone else's|flood(?:ed|ing)|sewage|mou?ldy?|stale|undercooked|raw|expired|"
    r"chipped|cracked|stained|dented|impossible|pushed back|rescheduled (?:again|twice)|rate limit(?:s|ed|ing)?|"
    r"blocking|(?:eaten|ate) (?:my|two|three|all)|loops? me|gone missing|went missing|shrugged|lose|crush(?:ed|es|ing)?|"
    r"logged \w+ out"
)
# "Paying for 900 Mb, speedtest says 41": a promise, then a figure far below it.
_PROMISE = re.compile(r"\b(?:paying for|paid for|promised|advertised|contract says|supposed to (?:be|get)|up to|guaranteed)\b"
                      r"\D{0,30}?(?P<promised>\d[\d,.]*)")
_FIGURE = re.compile(r"\d[\d,.]*")


@dataclass(frozen=True, slots=True)
class Cue:
    label: str
    name: str  # model feature name: stable, never shown
    pattern: re.Pattern[str]
    reason: str  # shown on the card; "{}" is replaced by the matched words

    def explain(self, match: re.Match[str]) -> str:
        # A pattern may name the part worth quoting: "asks 'how'", not "asks 'hi, how'".
        quoted = match.group("quote") if "quote" in self.pattern.groupindex else match.group(0)
        return self.reason.format(" ".join(quoted.split())[:30])


def _cue(label: str, name: str, pattern: str, reason: str) -> Cue:
    return Cue(label, name, re.compile(pattern), reason)


CUES: tuple[Cue, ...] = (
    # Questions: anything that expects an answer or an action from the brand.
    _cue("question", "question_mark", r"\?", "has a '?'"),
    _cue("question", "wh_word", _CLAUSE_START + r"(?P<quote>how|what|what's|when|where|why|which|who|whose)\b", "asks '{}'"),
    _cue("question", "yes_no", _CLAUSE_START + r"(?P<quote>(?:is|are|can|could|do|does|did|will|would|should|has|have|may|any)"
         r"\s+(?:i|you|we|it|there|they|my|your|the|this|someone|anyone|u))\b", "asks '{}'"),
    _cue("question", "please_do", r"\b(?:please|pls|plz|kindly|can you|could you)\s+(?:\w+\s+)?(?:tell|let|advise|"
         r"explain|help|confirm|send|dm|call|point|check|sort)\b", "asks '{}'"),
    _cue("question", "contact_me", r"\b(?:dm|message|call|email|ring) (?:me|us)\b|\bcall me back\b|\bget back to me\b"
         r"|\b(?:can|could) (?:someone|anyone|somebody)\b", "asks '{}'"),
    _cue("question", "wants_to_know", r"\b(?:i'?d like to know|i want to know|i need to know|wondering|any idea|"
         r"tell me|let me know|need help|can you help|who do i|is there a way|how do i|how can i|how much|"
         r"any chance|i'?d appreciate it if|would love to know|asking for)\b", "asks '{}'"),
    _cue("question", "request", r"\bi (?:need|want|would like) to (?:change|update|add|cancel|move|redirect|know|"
         r"find|get|close|book|return|transfer|stop|speak|talk)\b", "requests '{}'"),
    # Complaints: a problem with, or dissatisfaction about, the brand.
    _cue("complaint", "negative_word", r"\b(?:worst|terrible|awful|horrible|horrendous|useless|rubbish|ridiculous|"
         r"unacceptable|disgusting|disgrace(?:ful)?|disappoint(?:ed|ing)|shocking|appalling|dreadful|pathetic|"
         r"a joke|rude|dismissive|misleading|frustrat(?:ed|ing)|annoy(?:ed|ing)|fed up|sort (?:it|this) out|"
         r"sort your|not (?:happy|impressed|ok|okay|good enough)|never again|(?:never|not) (?:flying|using|"
         r"ordering|shopping|buying)|i'm done|cancelling|switching providers|step backwards|embarrassing|"
         r"inadmissible|classy|seriously|thanks for nothing|not cool|insulting|a mess|not (?:that |very |so |exactly |too |"
         r"particularly |the )?(?:great|good|helpful|useful|amazing|ideal|brilliant|smooth(?:est)?|best|friendly|fast(?:est)?|quick(?:est)?|easiest))\b", "says '{}'"),
    # Questions nobody expects an answer to: "why is it so hard to get a refund".
    _cue("complaint", "rhetorical", r"\bwhy (?:is it so hard|can i never|do i (?:even|have to)|bother)\b|\bhow (?:is "
         r"(?:that|this|it) (?:acceptable|possible|ok)|do you even|hard can it be)\b|\bwhat(?:'s| is) the point\b"
         r"|\bcome on\b|\bexplain (?:that|this)\b|\b(?:takes?|taking) (?:so long|forever|ages)\b", "asks '{}' of a problem"),
    # "no lag", "not a single drop": a problem that did not happen.
    _cue("complaint", "problem", r"(?<!\bno )(?<!\bnot )(?<!\bdon't )(?<!\bdoesn't )\b(?:" + _PROBLEM_WORDS + r")\b", "reports '{}'"),
    _cue("complaint", "waited", r"\b(?:\d+|an?|two|three|four|five|six|several|many|fifty \w+) (?:min(?:ute)?s?|"
         r"hours?|hrs?|days?|weeks?|months?|calls|emails|attempts|tries)\b(?: \w+)? (?:on hold|waiting|later|delay|with no|without|no |"
         r"on the (?:phone|tarmac|plane|runway|line)|queu(?:e)?ing|in (?:a|the) queue|to (?:get|find|fix|reach|sort|answer|arrive|turn up|reply|respond)\b)"
         r"|\b(?:waited|waiting|on hold|been) (?:for )?(?:\d+|an?|two|three|four|five|six) (?:min|hour|day|week|month)",
         "waited '{}'"),
    # What was promised or expected against what happened: "pricing page says one thing, invoice
    # says another", "still waiting", "not what I ordered", "was promised a callback".
    _cue("complaint", "expectation", r"\b(?:says? one thing|(?:all|a|three|two|\d+) different (?:amounts?|prices?|"
         r"answers?|balances?|things|figures|bills)|(?:shows?|says?|quoted|charged) (?:me )?a different|"
         r"not what i (?:ordered|paid for|asked for|booked)|was (?:promised|told (?:it|i|we|that))|supposed to (?:be|arrive|"
         r"come|get|have|take)|still (?:waiting|nothing|no sign|not (?:fixed|sorted|here|arrived|working))|"
         r"back where i started|instead of (?:the|my|what)|(?:only|just) (?:took|takes) (?:me )?\d+|"
         r"(?:at|to) \d+% of (?:the|what)|(?:hours?|days?|weeks?) (?:and|later and) (?:still|nothing)|"
         r"(?:ages|forever|all day) (?:and|for)|or (?:else )?i'm (?:leaving|going))\b", "expected otherwise: '{}'"),
    # Sarcasm that needs no problem word: "so nice of your driver to leave my fridge in the rain",
    # "only took 6 calls", "really intuitive" after a complaint, "love paying £4 for…".
    _cue("complaint", "sarcasm_soft", r"\b(?:so (?:nice|kind|thoughtful|good) of (?:you|your)|really (?:intuitive|clears "
         r"things up|helpful of you|reassuring)|love (?:paying|being|waiting|having to|how (?:you|your|i))|said no one|"
         r"good to know|what a (?:surprise|shock)|at least the|who knew|top tier|world[- ]class|iconic|great cardio|"
         r"really (?:top|first) class|stellar|standards|(?:impressive|amazing|incredible|brilliant|great) how (?:you|your|they)"
         r" (?:can|managed?|always|still)|managed to (?:lose|break|crush|damage|miss|lose|delete|cancel|charge|ruin))\b",
         "sarcastic '{}'"),
    _cue("complaint", "keeps_happening", r"\b(?:again|(?:third|fourth|fifth|\d+(?:st|nd|rd|th)) time|every (?:single )?"
         r"(?:time|day|morning|evening|week|month)|another)\b", "says '{}'"),
    _cue("complaint", "nobody_helps", r"\b(?:no one|nobody|no-one|not a single(?! (?:drop|problem|issue|complaint|glitch|hiccup|fault|outage|dropped)))\b|\bnever (?:replied|answered|called)",
         "says '{}'"),
    _cue("complaint", "sarcasm_marker", r"🙄|🙃|\b(?:oh (?:good|great|wonderful|brilliant|yes|lovely)|yeah because|ah yes|"
         r"who needs|love that for me|truly|shocked|what a (?:treat|bargain)|so glad|can't wait|nothing says|"
         r"(?:five|5) stars for|the famous|perfect timing|living the dream|how original|who could have predicted|"
         r"just what i (?:wanted|needed))\b", "sarcastic '{}'"),
    # Praise: thanks and compliments.
    _cue("praise", "praise_word", r"\b(?:" + _PRAISE_WORDS + r")\b", "says '{}'"),
    _cue("praise", "praise_emoji", _PRAISE_EMOJI, "praise emoji {}"),
    # Compliments without a praise word: "that's how it should work", "so much faster", "went out
    # of his way", "never had a dropped call", "done in under an hour". Sarcasm uses some of these
    # too ("worth it I'm sure"), so they only explain.
    _cue("praise", "compliment", r"\b(?:(?:how|what) (?:it|this|things|customer service|service|support|banking|a \w+) "
         r"should (?:work|be(?: done)?|look)|should be done|so much (?:faster|easier|better|quicker|cheaper|nicer|smoother|"
         r"clearer|simpler|calmer)|(?:faster|easier|better|quicker|cheaper|nicer|smoother|cleaner|clearer|comfier|tastier) than"
         r"|didn't expect|exceeded|beyond (?:my )?expectations|actually (?:useful|works|good|decent|helpful|quick|fast|on time|"
         r"answers?|listens?|cares?|arrived|early)|(?:so|really|very|super|properly|genuinely) (?:handy|useful|easy|quick|fast|"
         r"simple|patient|helpful|kind|comfy|comfortable|cosy|clean|clear|reliable|efficient|tasty|good|nice|calm)"
         r"|know (?:their|his|her) stuff|out of (?:his|her|their|your|the) way|without a (?:hitch|hiccup|problem|fuss)"
         r"|no (?:issues|problems|complaints|hassle|fuss|drama|faff)\b|never (?:had|once had|had a single) (?:a |an |any |one )?"
         r"(?:problem|issue|dropped|fault|outage|complaint|bad)|not a single (?:drop|problem|issue|complaint|glitch|hiccup|"
         r"fault|outage|dropped)|not (?:once|one) (?:had|have i|did)|not complaining|can't complain|finally (?:a|an) \w+"
         r"(?: \w+)? (?:that|who|which|with)|(?:in|within|under) (?:an? |\d+ |half an? |less than an? )?(?:minutes?|mins?|"
         r"hour|hours|seconds?|afternoon|day|morning)\b(?! (?:wait|late|delay|on hold|queu|later|and still|of))"
         r"|(?<!how )(?:on time|early)(?! (?:again|for once))|worth (?:it|the|every)|changed (?:how|my|the way)|reliable|patient"
         r"|exactly what|proper (?:service|job)|(?:nicest|friendliest|easiest|fastest|quickest|kindest|cleanest|"
         r"smoothest|comfiest) )", "compliments '{}'"),
)

PRAISE_EMOJI = re.compile(_PRAISE_EMOJI)
_PRAISE = re.compile(r"\b(?:" + _PRAISE_WORDS + r")\b|" + _PRAISE_EMOJI)
_CONTRAST = re.compile(r"\b(?:but|though|however|although|except|shame|pity)\b")
# "thanks for finding my lost phone" thanks someone for solving the problem: not irony.
_RESOLVED = re.compile(r"\b(?:fix(?:ed|ing)?|found|finding|sort(?:ed|ing)|resolv\w*|replac\w*|recover\w*|quick|fast"
                       r"|smooth|no fuss|remade|redid|sent (?:someone|an engineer|a new)|came out|caught|(?:landed|back) in my account"
                       r"|came through|money back)\b")
# Complaint cues that turn nearby praise words into irony. "again" and "nobody" do not: "lovely
# as always", "not a single dropout, nice work".
_PROBLEM_SIGNS = frozenset({"negative_word", "problem", "waited", "sarcasm_marker", "rhetorical"})
_IRONY = Cue("complaint", "irony", _PRAISE, "praise words about a problem '{}'")
_MIXED = Cue("praise", "mixed", _CONTRAST, "mixed review '{}'")
_PLAIN_PRAISE = Cue("praise", "plain_praise", _PRAISE, "praise with no sign of a problem")

_SPAM_CUES: tuple[tuple[re.Pattern[str], float, str], ...] = (
    # (pattern, weight, reason): one strong sign, or a pitch made of three weak ones, make spam.
    # Words a customer could use about a real product ("token", "wallet", "signal") are left out.
    (re.compile(r"\b(?:crypto|bitcoin|btc|forex|airdrop|invest in|before it pumps|doubler)\b|\$[a-z]{3,5}\b"),
     1.0, "crypto/investment pitch"),
    (re.compile(r"\b(?:giveaway|win an?|free iphone|claim (?:here|yours|now)|you have been selected|congratulations!)"),
     1.0, "giveaway bait"),
    (re.compile(r"\b(?:follow ?back|f4f|followforfollow|(?:buy|more|\d+k?(?: real)?) followers|likes and views|"
                r"subscribe to my|check out my|mixtape)\b"),
     1.0, "follower/self promotion"),
    (re.compile(r"\b(?:earn \$|no experience needed|loans? approved|no credit check|seo services|hot singles|"
                r"link in bio|promo code|whatsapp me|on whatsapp|build your website|hack \d{4}|legit payout)"), 1.0, "sales pitch"),
    # Customers quote prices, discounts and guarantees in real complaints, so these only add up.
    (re.compile(r"\$\d[\d,]*|£\d[\d,]*k?\b|\d+% off|guaranteed|work(?:ing)? from home"), 0.3, "money talk"),
    (re.compile(r"🚀|💰|🎁|📈|🔞|👉|👇"), 0.3, "promo emoji"),
)
_SPAM_LINK_WEIGHT = 0.4  # a link alone is normal; a link with a pitch is the spam pattern
_SPAM_MANY_MENTIONS = 3


@dataclass(frozen=True, slots=True)
class CueMatch:
    label: str
    name: str
    reason: str


# A curt verdict closing a post that praised nothing before it: "found a hair in my croissant.
# Lovely.", "the toilet was flooding. great". Genuine praise rarely ends on one word alone after
# a plain statement of events, but it can ("arrived a day early. lovely."): a feature, not a rule.
_CURT_TAG = re.compile(r"[.!?,;:\-]\s*(?P<quote>(?:really |just |truly |how |oh )?(?:lovely|great|fantastic|brilliant|"
                       r"perfect|superb|wonderful|amazing|nice|cheers|thanks(?: a lot| for that| again)?|love (?:that|it|this)"
                       r"|classic|cool|marvellous|splendid|bravo|impressive|outstanding|excellent|fab|10/10|great stuff|helpful|thorough"
                       r"|generous|thoughtful|magic|genius|efficient|inspired|stellar)"
                       r"(?: (?:service|work|stuff|job|engineering))?)[.!]*\s*(?:[🙃🙄😒👏😂🤡]\s*)*$")
_GOOD_NEWS = re.compile(r"\b(?:early|on time|free|quick(?:ly)?|fast|already|ahead of|arrived|sorted|fixed|helped|back up"
                        r"|refund(?:ed)? (?:came|arrived)|(?:in|within|under) (?:an? |\d+ )?(?:minutes?|mins|seconds|an hour|hour)|same day|next day|upgraded|waived|found (?:my|it|our)"
                        r"|not a single|no (?:lag|issues?|problems?|fuss)|zero|turned up|just works|works (?:perfectly|great|fine))\b")
_MIN_WORDS_BEFORE_TAG = 4


def _curt_tag(lower: str) -> CueMatch | None:
    match = _CURT_TAG.search(lower)
    if not match:
        return None
    before = lower[:match.start()]
    if len(before.split()) < _MIN_WORDS_BEFORE_TAG or _PRAISE.search(before) or _GOOD_NEWS.search(before):
        return None
    # The tag is the post's only praise word: the praise model must not read it as thanks.
    return CueMatch("complaint", "curt_tag", f"sarcastic '{' '.join(match.group('quote').split())[:30]}' after a plain statement")


def _shortfall(lower: str) -> CueMatch | None:
    """A promised figure, then a later one below half of it: "paying for 900mb, speedtest says 41"."""
    promise = _PROMISE.search(lower)
    if not promise:
        return None
    try:
        promised = float(promise.group("promised").replace(",", "").rstrip("."))
        for figure in _FIGURE.finditer(lower, promise.end()):
            got = float(figure.group(0).replace(",", "").rstrip("."))
            if 0 <= got < promised / 2:
                return CueMatch("complaint", "shortfall", f"expected {promise.group('promised').rstrip('.,')}, got {figure.group(0).rstrip('.,')}")
    except ValueError:
        return None
    return None


# "Paid for extra legroom and got it", "paying for 500, getting 530": what was paid for arrived.
_KEPT = re.compile(r"\b(?:paid|paying|pay) (?:for|extra for)\b[^.!?]{0,40}?\b(?:and|&|,)? ?(?:got|get|getting|received)"
                   r" (?:it|them|exactly|what|just that|every|all of it|the lot|it all)\b")


def _promise_kept(lower: str) -> CueMatch | None:
    """The opposite of a shortfall: what was paid for, or a promised figure, was delivered."""
    if _KEPT.search(lower):
        return CueMatch("praise", "promise_kept", "got what was paid for")
    promise = _PROMISE.search(lower)
    if not promise:
        return None
    try:
        promised = float(promise.group("promised").replace(",", "").rstrip("."))
        figure = _FIGURE.search(lower, promise.end())
        if figure and promised > 0 and float(figure.group(0).replace(",", "").rstrip(".")) >= promised:
            return CueMatch("praise", "promise_kept", f"expected {promise.group('promised').rstrip('.,')}, got {figure.group(0).rstrip('.,')}")
    except ValueError:
        return None
    return None


def find_cues(text: PostText, labels: frozenset[str] = frozenset(("question", "complaint", "praise"))
              ) -> tuple[CueMatch, ...]:
    """The cues found in the post, in `CUES` order, one match per cue, then the computed cues, then the tone
    cues: those a reader of ``labels`` needs. A praise's tone is read against the complaint and request cues,
    and a complaint's irony against the request cues, so those are looked for too when it matters."""
    searched = labels | ({"question", "complaint"} if labels & {"complaint", "praise"} else set())
    found = []
    for cue in CUES:
        if cue.label not in searched:
            continue
        match = cue.pattern.search(text.lower)
        if match:
            found.append(CueMatch(cue.label, cue.name, cue.explain(match)))
    for computed in (_curt_tag(text.lower), _shortfall(text.lower), _promise_kept(text.lower)):
        if computed:
            found.append(computed)
    return (*found, *_tone_cues(text.lower, found))


# Thanks that only closes a request or a reply: "can I get a redelivery? thanks", "ok cheers".
_CLOSING_THANKS = re.compile(r"\b(?:(?:many|big|huge) )?(?:thank(?:s| you| u)(?: (?:a lot|so much|very much))?|thx|ty|ta|cheers"
                             r"|appreciate(?:d| it)?)\b[!.\s]*(?:[🙏😊]\s*)*$|^(?:ok|okay|cool|right|great),? (?:thanks|thank you|cheers|ty|ta)\b")
_REQUEST_CUES = frozenset({"question_mark", "please_do", "contact_me", "wants_to_know", "request", "wh_word", "yes_no"})


def _closing_thanks(lower: str, found: list[CueMatch]) -> bool:
    """Praise words that only thank for an answer still to come: the request is the point."""
    if not _CLOSING_THANKS.search(lower):
        return False
    rest = _CLOSING_THANKS.sub("", lower)
    return not _PRAISE.search(rest) and (lower.startswith(("ok", "cool", "right", "great")) or any(cue.name in _REQUEST_CUES for cue in found))


def _tone_cues(lower: str, found: list[CueMatch]) -> tuple[CueMatch, ...]:
    """How the post's praise words (if any) meet the complaint cues already found."""
    praise = _PRAISE.search(lower)
    if not praise:
        return ()
    if _closing_thanks(lower, found):
        return (CueMatch("question", "closing_thanks", "thanks that closes a request"),)
    complaint_cues = {cue.name for cue in found if cue.label == "complaint"}
    if _RESOLVED.search(lower):  # the problem mentioned is the one the author thanks them for solving
        complaint_cues.discard("problem")
    contrast = _CONTRAST.search(lower)
    if complaint_cues & _PROBLEM_SIGNS:
        if contrast:
            return (CueMatch(_MIXED.label, _MIXED.name, _MIXED.explain(contrast)),)
        return (CueMatch(_IRONY.label, _IRONY.name, _IRONY.explain(praise)),)
    if complaint_cues or contrast:  # "again", "nobody", a "but" with no named problem: the model decides
        return ()
    return (CueMatch(_PLAIN_PRAISE.label, _PLAIN_PRAISE.name, _PLAIN_PRAISE.reason),)


def spam_score(text: PostText) -> tuple[float, tuple[str, ...]]:
    """How much the post looks like spam, 0..1, and why."""
    score, reasons = 0.0, []
    raw = text.raw.lower()  # not `lower`: links and handles are part of the pitch
    for pattern, weight, reason in _SPAM_CUES:
        if pattern.search(raw):
            score += weight
            reasons.append(reason)
    if text.urls:
        score += _SPAM_LINK_WEIGHT
        reasons.append("has a link")
    if text.mentions >= _SPAM_MANY_MENTIONS:
        score += _SPAM_LINK_WEIGHT
        reasons.append(f"tags {text.mentions} accounts")
    return min(score, 1.0), tuple(reasons)


_SHORT_POST_WORDS = 2


def noise_reasons(text: PostText, referenced_types: frozenset[str], *, judged_content: bool) -> tuple[str, ...]:
    """Signs that a post needs no attention. The caller asks only when the post is not also a
    question, complaint or praise; `judged_content` is False when the language was not English,
    and then only the signs that do not depend on reading the words count."""
    reasons = []
    if text.is_retweet or "retweeted" in referenced_types:
        reasons.append("a repost")
    if not text.words:
        reasons.append("no words")
    if not judged_content:
        return tuple(reasons)
    if 0 < len(text.words) <= _SHORT_POST_WORDS:
        reasons.append(f"only {len(text.words)} word{'s' if len(text.words) > 1 else ''}")
    if text.leading_mentions >= 2:
        reasons.append("a conversation among others")
    elif text.leading_mentions == 0 and text.mentions and not text.is_retweet:
        reasons.append("a passing mention")
    return tuple(reasons)
