"""Seeded synthetic corpora of consultation-style comments, with ground truth.

Written for this project (no text copied from any dataset).

* :func:`generate` -- comments with planted themes: each mixes sentences about one or two planted
  themes with general filler, to about ``words`` words, and carries a timestamp, so every stage of the
  pipeline has realistic work to do. The planted theme is in the ``planted_theme`` column.
* :func:`generate_campaigns` -- organised campaigns planted among organic comments: invented template
  letters mail-merged and edited as real copies are, arriving in bursts, plus placeholder responses
  that are not a campaign; returns the ground truth for scoring a campaign detector (B-cubed, see
  :mod:`helpers.evaluation`); with ``reply_share``, some organic comments reply to earlier ones, in
  threads (:func:`reply_parents`). :func:`read_fcc_templates` reads the FCC 17-108 templates in
  ``../shared/corpora`` at run time to seed a second set.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

THEMES: dict[str, list[str]] = {
    "buses": ["the bus service in our village", "rural bus routes", "cheaper bus fares for young people",
              "buses that actually run on time", "the evening bus timetable"],
    "housing": ["affordable homes for local families", "rents in the town centre", "empty homes standing unused",
                "new housing estates without schools", "social housing waiting lists"],
    "nhs": ["waiting times at the GP surgery", "getting a hospital appointment", "mental health support for teenagers",
            "ambulance response times", "dentists taking NHS patients"],
    "climate": ["cutting carbon emissions", "insulating older houses", "solar panels on public buildings",
                "protecting green spaces and trees", "flood defences along the river"],
    "schools": ["class sizes in primary schools", "support for children with special needs",
                "teachers leaving the profession", "free school meals", "after school clubs"],
}
OPENERS = ["I really think", "In my view", "It seems to me that", "Honestly,", "As a resident I believe",
           "My family feels", "Frankly,", "We all know"]
VERBS = ["needs urgent attention", "has got much worse", "should be the council's priority",
         "is not good enough", "has improved a little", "deserves more funding", "is a real worry for us",
         "could be fixed with better planning"]
FILLER = ["Thank you for asking.", "I hope someone reads this.", "This matters to a lot of people here.",
          "Please listen to local people.", "I have lived here for twenty years.", "Nothing ever seems to change."]


def generate(n: int, *, words: int = 60, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic comments of about ``words`` words, seeded; columns id, text, created_at, planted_theme."""
    rng = np.random.default_rng(seed)
    names = list(THEMES)
    main = rng.integers(0, len(names), n)
    second = np.where(rng.random(n) < 0.3, rng.integers(0, len(names), n), -1)
    texts = []
    for i in range(n):
        topics = [names[main[i]]] + ([names[second[i]]] if second[i] >= 0 and second[i] != main[i] else [])
        parts, count = [], 0
        while count < words:
            if rng.random() < 0.2:
                s = FILLER[rng.integers(len(FILLER))]
            else:
                phrases = THEMES[topics[rng.integers(len(topics))]]
                s = f"{OPENERS[rng.integers(len(OPENERS))]} {phrases[rng.integers(len(phrases))]} " \
                    f"{VERBS[rng.integers(len(VERBS))]}."
            parts.append(s)
            count += s.count(" ") + 1
        texts.append(" ".join(parts))
    start = pd.Timestamp("2025-01-06", tz="UTC")
    seconds = np.sort(rng.integers(0, 60 * 86400, n))
    return pd.DataFrame({
        "id": [f"s{i:07d}" for i in range(n)],
        "text": texts,
        "created_at": (start + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "planted_theme": [names[m] for m in main],
    })


# =============================================================================================
# Organised campaigns: templates, copies with realistic edits, organic comments, ground truth
# =============================================================================================
#
# Everything below was written for this project: the letters are invented UK-consultation letters
# about invented proposals (Ashbury General Hospital, Millbrook Lane, route 42...), the names and
# the organic sentences are made up. Nothing is copied from any dataset.

#: Invented consultation letters, in the order campaign sizes are handed out (the first is the
#: largest campaign). ``{name}`` and ``{place}`` are mail-merged per copy; ``[a|b|c]`` is "spun"
#: (each copy picks one option, as the FCC bots did). ``ae_ashbury`` and ``ae_staff`` are on the SAME
#: proposal and share whole sentences, so a detector that chains similar letters loses precision.
TEMPLATES: dict[str, str] = {
    "ae_ashbury": (
        "Dear Sir or Madam,\n\n"
        "I am writing to object in the strongest terms to the proposal to downgrade the Accident & Emergency "
        "department at Ashbury General Hospital to an urgent treatment centre. As a resident of {place}, I rely "
        "on this hospital, and so do my family and neighbours.\n\n"
        "The nearest alternative A&E is more than forty minutes away by road, and ambulance response times in "
        "our area are already among the worst in the country. For a heart attack or a stroke, those extra "
        "minutes cost lives.\n\n"
        "The consultation document admits that the trust has not modelled the effect on neighbouring "
        "hospitals. Please don't take a decision of this size without that evidence. Keep a full, "
        "consultant-led A&E at Ashbury.\n\n"
        "Yours faithfully,\n{name}"
    ),
    "greenbelt_millbrook": (
        "To the Planning Policy Team,\n\n"
        "I object to the allocation of the land west of Millbrook Lane for 1,200 new homes in the draft Local "
        "Plan. This site is Green Belt, and the council's own landscape study describes it as making a "
        "\"strong contribution\" to keeping {place} and Wexcombe apart.\n\n"
        "Millbrook Lane is a single-track road with no pavement. The primary school is full, and the GP "
        "surgery closed its list to new patients last year. Nothing in the plan says how any of this will "
        "be paid for before the first homes are occupied.\n\n"
        "There are brownfield sites in the town centre that would take a third of these homes. Please remove "
        "the site from the plan and look again at brownfield land first.\n\n"
        "Yours sincerely,\n{name}"
    ),
    "ae_staff": (
        "To the Integrated Care Board,\n\n"
        "As someone who works in the NHS in this county, I object in the strongest terms to the proposal to "
        "downgrade the Accident & Emergency department at Ashbury General Hospital. The nearest alternative "
        "A&E is more than forty minutes away by road, and ambulance response times in our area are already "
        "among the worst in the country.\n\n"
        "Staff tell us that rotas at Ashbury are thin because posts have been left unfilled for years, not "
        "because the service is unsafe. The answer is to recruit, not to close. Moving emergency care to "
        "Kingsford would put patients and paramedics under even more pressure.\n\n"
        "The consultation document admits that the trust has not modelled the effect on neighbouring "
        "hospitals. I ask the board to withdraw the proposal and to publish its workforce figures in full.\n\n"
        "Regards,\n{name}\n{place}"
    ),
    "bus_routes": (
        "Dear Councillors,\n\n"
        "[I am writing to ask|I urge|I am asking] you to keep the subsidy for bus routes 42 and 43. For "
        "many people in {place} these buses are the only way to reach the hospital, the college "
        "and the jobcentre.\n\n"
        "Older and disabled residents [cannot|can't] drive, and a taxi to Kingsford costs more than £30 each "
        "way. Cutting the evening and Sunday services would leave [whole villages|entire villages] cut off.\n\n"
        "The saving is small next to the cost of missed appointments and people giving up work. Please "
        "[protect|save] these routes in the budget.\n\n"
        "Thank you,\n{name}"
    ),
    "libraries": (
        "Dear Sir or Madam,\n\n"
        "Please do not close the branch libraries at Eastfield, Hartley Green and Norton. A library is not "
        "only a place to borrow books; it is where people without internet at home apply for jobs and "
        "benefits, where toddlers come to rhyme time, and where lonely people find company.\n\n"
        "The proposal to replace them with a mobile library once a fortnight is no substitute. The "
        "equality impact assessment says itself that older people and families on low incomes will be hit "
        "hardest.\n\n"
        "I would rather pay a little more council tax than lose our libraries.\n\n"
        "Best wishes,\n{name}, {place}"
    ),
    "wind_farm": (
        "Dear Sir or Madam,\n\n"
        "I support the application for the community wind farm on Haddon Ridge. The turbines would "
        "generate enough electricity for around 9,000 homes, and the community benefit fund would bring "
        "£150,000 a year to local projects in {place} and the surrounding parishes.\n\n"
        "Energy bills have doubled for many families here. Clean power that is owned in part by local "
        "people keeps money in the area and cuts our carbon emissions at the same time.\n\n"
        "Please approve the application.\n\n"
        "Kind regards,\n{name}"
    ),
    "speed_limit": (
        "Dear Sir or Madam,\n\n"
        "I oppose the proposal to make 20mph the default speed limit on every residential road in the "
        "county. A blanket limit treats a quiet cul-de-sac the same as a main road into town, and it will "
        "lengthen journeys for buses, carers and delivery drivers.\n\n"
        "Lower limits outside schools and in village centres make sense, and I would support those. But the "
        "council should decide road by road, with the people who live there.\n\n"
        "Yours faithfully,\n{name}"
    ),
    "send_funding": (
        "Dear Minister,\n\n"
        "I am the parent of a child with special educational needs, and I am writing about the proposed "
        "changes to high-needs funding. Families in {place} already wait more than a year for an Education, "
        "Health & Care Plan, and many children are out of school while they wait.\n\n"
        "Capping the number of plans will not reduce need; it will only move the cost to families and to "
        "schools that cannot meet it. Please fund the system properly and keep the legal right to a plan.\n\n"
        "Yours sincerely,\n{name}"
    ),
    "river_sewage": (
        "Dear Sir or Madam,\n\n"
        "Raw sewage was discharged into the River Wendle on more than 200 days last year. I swim and my "
        "children paddle in the river at {place}, and we want it to be designated as bathing water.\n\n"
        "Designation would mean regular testing and a legal duty to clean the river up. Please support the "
        "application and make the water company publish every discharge as it happens.\n\n"
        "Yours sincerely,\n{name}"
    ),
    "low_traffic": (
        "Dear Highways Team,\n\n"
        "I object to making the Northgate low traffic neighbourhood permanent. Since the planters went in, "
        "traffic on Station Road has backed up every morning, and the buses that use it run late.\n\n"
        "The trial was started without proper consultation, and residents on the boundary roads were never "
        "asked. Please remove the filters and consult everyone affected.\n\n"
        "Regards,\n{name}"
    ),
    "pavement_parking": (
        "Dear Sir or Madam,\n\n"
        "I support a ban on parking on pavements across the county. As a wheelchair user in {place}, I am "
        "forced into the road several times a week because cars block the footway.\n\n"
        "Parents with buggies and blind and partially sighted people face the same problem. Please bring in "
        "the ban with enough enforcement to make it work.\n\n"
        "Thank you,\n{name}"
    ),
    "pharmacy": (
        "Dear Sir or Madam,\n\n"
        "The pharmacy on Church Street is the only one within walking distance for most people in {place}. "
        "Its closure would leave older residents, many of whom do not drive, without a way to collect "
        "their medicines.\n\n"
        "Please refuse the request to close it and ask the NHS to find a new operator.\n\n"
        "Yours sincerely,\n{name}"
    ),
}

#: The organic topic a template's copies draw their personal additions from.
TEMPLATE_TOPICS: dict[str, str] = {
    "ae_ashbury": "hospital", "greenbelt_millbrook": "planning", "ae_staff": "hospital", "bus_routes": "buses",
    "libraries": "libraries", "wind_farm": "climate", "speed_limit": "roads", "send_funding": "schools",
    "river_sewage": "water", "low_traffic": "roads", "pavement_parking": "roads", "pharmacy": "nhs",
}

#: What people write when the real response is in an attachment (not a campaign: unrelated people).
PLACEHOLDERS = ["See attached file(s)", "See Attached", "see attached file(s).", "Please see attached.",
                "See attached letter", "Please see the attached comments", "Attached", "N/A", "n/a", "NA"]

FIRST_NAMES = ["Sarah", "James", "Aisha", "David", "Emma", "Mohammed", "Claire", "Peter", "Priya", "Thomas",
               "Joanne", "Daniel", "Fatima", "Michael", "Helen", "Chris", "Ruth", "Andrew", "Grace", "Wei",
               "Olivia", "Gareth", "Siobhan", "Kwame", "Hannah", "Ian", "Zainab", "Robert", "Megan", "Tomasz"]
LAST_NAMES = ["Thompson", "Patel", "Jones", "Williams", "Khan", "Evans", "Walker", "Murphy", "Begum", "Hughes",
              "Roberts", "Ahmed", "Wilson", "Davies", "Clarke", "Singh", "Kowalski", "Brown", "Okafor", "Taylor",
              "Lewis", "Campbell", "Shah", "Morgan", "Wright", "Chen", "Green", "Hall", "Reid", "Ali"]
PLACES = ["Ashbury", "Wexcombe", "Kingsford", "Eastfield", "Hartley Green", "Norton", "Millbrook", "Haddon",
          "Stoke Ferris", "Lower Wendle", "Upper Wendle", "Bramley", "Coldharbour", "Fenwick", "Oakham Cross",
          "Little Sutton", "Great Sutton", "Kirkby Vale", "Thornley", "Aldwick", "Penford", "Marston Hill",
          "Brookside", "Westgate", "Northgate", "Southmoor", "Elmstead", "Castleford Bridge", "Ridgeway",
          "Sandholme", "Whitcombe", "Langley Park", "Hollins End", "Dunmore", "Ferrybridge Lock", "Ashby Row",
          "Greenhithe Vale", "Poolestown", "Redlands", "Shireoak"]

# Organic comments: more topics, subjects and sentence forms than ``generate`` uses, so that a
# million independent comments do not collide into near-duplicates by chance (``generate``'s 1,600
# possible sentences make hundreds of organic pairs with 5-word-shingle Jaccard >= 0.5 per 200,000).
ORGANIC_SUBJECTS: dict[str, list[str]] = {
    **{k: v + extra for k, v, extra in [
        ("buses", THEMES["buses"], ["the number 42 bus", "Sunday bus services", "bus shelters with no seats",
                                     "getting to the hospital without a car", "the park and ride",
                                     "buses to the college", "the cost of a day ticket", "late running buses",
                                     "community transport for older people", "the rail link to Kingsford"]),
        ("housing", THEMES["housing"], ["the state of private rented flats", "homes for young couples",
                                         "damp in council houses", "second homes in the villages",
                                         "the housing register", "temporary accommodation",
                                         "service charges on new flats", "homes for older people to downsize",
                                         "the cost of a deposit", "repairs to housing association homes"]),
        ("nhs", THEMES["nhs"], ["the walk-in centre", "prescriptions at the local chemist",
                                 "physiotherapy waiting lists", "care for people with dementia",
                                 "the district nurses", "maternity care", "cancer referrals",
                                 "the 111 phone line", "home care visits", "the hospice"]),
        ("climate", THEMES["climate"], ["electric car charging points", "the heat pump grants",
                                         "recycling collections", "planting more trees in the town",
                                         "cycle lanes to the station", "energy bills for older people",
                                         "the local nature reserve", "air quality near the ring road",
                                         "community energy schemes", "wind turbines on the hills"]),
        ("schools", THEMES["schools"], ["school transport from the villages", "the state of school buildings",
                                         "teaching assistants' hours", "places at the secondary school",
                                         "childcare costs", "youth clubs", "support for young carers",
                                         "school uniform prices", "exclusions", "mental health in schools"]),
    ]},
    "hospital": ["the A&E at Ashbury", "the hospital downgrade", "the drive to Kingsford hospital",
                 "waiting in the ambulance queue", "the urgent treatment centre idea", "hospital parking charges",
                 "staff shortages on the wards", "the children's ward", "the stroke unit",
                 "visiting times", "the hospital consultation", "night cover at the hospital"],
    "planning": ["the new Local Plan", "building on fields", "the Millbrook Lane site", "traffic from new estates",
                 "brownfield land in the town", "the number of new houses", "flooding on new estates",
                 "infrastructure before housing", "the green belt", "the village design statement",
                 "the size of the new estates", "the loss of farmland"],
    "libraries": ["the library in our village", "the mobile library", "library opening hours",
                  "computers at the library", "rhyme time for toddlers", "the reading group",
                  "volunteer-run libraries", "the library building", "books for the housebound",
                  "the local history archive"],
    "roads": ["potholes on the high street", "the 20mph zones", "speeding through the village",
              "parking on pavements", "the low traffic scheme", "the new traffic lights",
              "gritting in winter", "the junction by the school", "roadworks that never end",
              "parking permits", "the state of the pavements", "the bypass plan"],
    "water": ["sewage in the river", "the water company", "bathing water quality", "the state of the beaches",
              "hosepipe bans", "leaks that never get fixed", "wild swimming spots", "the sewage works",
              "fish in the river", "flooding in the lower town"],
}
MORE_OPENERS = ["I would like to say that", "Speaking for my household,", "Having read the proposals, I think",
                "Like many people here, I feel", "To be honest,", "I am worried that", "My neighbours and I think",
                "From what I have seen,", "I strongly feel", "As a parent I think",
                "As someone who works locally, I believe", "I am not sure the council realises that"]
MORE_VERBS = ["keeps getting pushed down the list", "was better ten years ago", "is stretched to breaking point",
              "affects older people most", "costs far more than it should", "is why young people move away",
              "needs proper long term money", "gets talked about but never fixed", "has been ignored for too long",
              "matters more than the council thinks", "should not be cut any further",
              "works well and should be protected"]
REASONS = [" because nobody has checked the figures", " since the last round of cuts",
           " and everyone I speak to agrees", " for families like mine", " in the villages especially",
           " at weekends in particular", " now that prices have gone up", " according to the local paper",
           " and the consultation barely mentions it", " which worries me a great deal",
           " but nobody seems to listen", " when the weather is bad", " for disabled people above all",
           " and has done for years", " as far as I can tell"]
REQUESTS = ["Please do something about", "Please think again about", "The council must sort out",
            "Someone needs to look at", "I would ask you to prioritise", "Could you please explain the plan for",
            "Do not forget about", "Please put more money into", "Please listen to residents about",
            "I would like an update on"]
RESIDENCE = ["I have lived in {} for {} years.", "We moved to {} {} years ago.",
             "My family has been in {} for {} years.", "I have worked in {} for {} years."]
RELATIVES = ["mother", "father", "son", "daughter", "neighbour", "husband", "wife", "partner", "grandmother",
             "grandfather", "friend", "sister", "brother"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WAITS = ["minutes", "hours", "days", "weeks"]
THINGS: dict[str, list[str]] = {
    "buses": ["a bus into town", "the number 7 bus", "a connecting bus", "a bus home from work"],
    "housing": ["a repair from the landlord", "a council flat", "a reply from the housing office", "a new boiler"],
    "nhs": ["a GP appointment", "a call back from the surgery", "a dentist", "test results", "a referral"],
    "climate": ["a heat pump survey", "the recycling lorry", "a reply about the grant", "the solar installers"],
    "schools": ["a school place", "an assessment", "a reply from the school", "a place at nursery"],
    "hospital": ["an ambulance", "a bed on the ward", "a scan", "a doctor in A&E", "a hospital transport"],
    "planning": ["a reply from planning", "the site notice", "a decision on our extension", "the plans online"],
    "libraries": ["a library book", "a computer at the library", "the mobile library", "a reply from the council"],
    "roads": ["a pothole to be filled", "the gritter", "a parking permit", "a bus stuck in traffic"],
    "water": ["the water to come back on", "a reply from the water company", "the leak to be fixed",
              "test results for the river"],
}
# a qualifier after the subject and an adverb before the verb: most word triples then cross a slot
# boundary and are rare, as in real text, instead of sitting inside a stock phrase every comment shares
QUALIFIERS = [""] * 40 + [f" in {p}" for p in PLACES] + [
    " this year", " round here", " at the moment", " near the station", " near us", " on our estate",
    " in the town centre", " for pensioners", " for students", " for commuters", " for shift workers",
    " after dark", " in winter", " in the summer holidays", " on the west side", " these days",
    " compared with last year", " for the last decade", " for carers", " for people without a car"]
# short openers, predicates and endings (picked more often than the stock phrases above): few word
# triples sit inside them, so two unrelated comments rarely share many triples by chance
SHORT_OPENERS = ["I think", "I feel", "I believe", "Honestly,", "Frankly,", "Sadly,", "Personally,", "In short,",
                 "Clearly,", "To me,", "For us,", "Round here,", "Overall,", "Basically,", "If you ask me,",
                 "I reckon", "I know", "Truly,", "Look,", "Right now,", "Again,", "Still,", "Meanwhile,",
                 "In fact,", "Of course,", "Mind you,", "Put simply,", "For me,", "Locally,", "Today,"]
SHORT_VERBS = ["is too slow", "costs too much", "keeps failing", "is a mess", "needs fixing", "matters a lot",
               "is underfunded", "is getting worse", "is improving", "is overcrowded", "is unreliable",
               "is unaffordable", "needs investment", "is ignored", "lets people down", "works fine",
               "is a disgrace", "is brilliant", "needs a rethink", "is short-staffed", "is out of date",
               "is poorly run", "is a lifeline", "could be better", "is too far away", "is half empty",
               "is never cleaned", "is always late", "gets cut first", "is worth saving", "is overpriced",
               "is badly planned", "was promised years ago", "is hard to reach", "is full", "is closing",
               "is dangerous", "is popular", "is neglected", "is crucial"]
SHORT_REASONS = [" for us", " lately", " again", " every week", " for years", " in my experience", " as usual",
                 " right now", " since Covid", " every winter", " on weekdays", " at night", " these days",
                 " more and more", " each year", " for everyone", " for kids", " for my mum", " for my dad",
                 " to be fair"]
ADVERBS = [""] * 12 + ["really ", "clearly ", "still ", "now ", "probably ", "certainly ", "definitely ",
                       "just ", "sadly ", "obviously ", "already ", "simply ", "surely ", "frankly ",
                       "genuinely ", "honestly "]
MORE_FILLER = ["Thanks for reading.", "I hope this helps.", "Sorry this is a bit long.",
               "That is all I wanted to say.", "Please keep us informed.", "I will be watching what happens next."]
ORGANIC_TOPICS = list(ORGANIC_SUBJECTS)

#: How often each edit is applied to a campaign copy (independently). ``delete`` removes one sentence
#: (two in a fifth of cases), ``reorder`` swaps two sentences of a paragraph or two paragraphs,
#: ``typo`` makes one to four keyboard slips, ``case``/``whitespace``/``punctuation`` are formatting
#: noise, ``entities`` HTML-escapes the text (a quarter of those twice, ``&amp;amp;``), ``before`` and
#: ``after`` add a personal paragraph.
EDIT_RATES: dict[str, float] = {
    "delete": 0.30, "reorder": 0.25, "typo": 0.30, "case": 0.08, "whitespace": 0.30, "punctuation": 0.20,
    "entities": 0.15, "before": 0.20, "after": 0.30,
}
_EDITS = list(EDIT_RATES)
_START = pd.Timestamp("2025-01-06", tz="UTC")
_PERIOD_S = 60 * 86400
# share of organic submissions by hour of day (UTC): quiet at night, peaks at lunch and evening
_HOURLY = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4.5, 5, 5.5, 5, 4.5, 4.2, 4, 4.2, 5, 5.5, 5.5,
                    4.5, 3, 2], dtype=float)
_NEIGHBOURS = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm", [
    "wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol", "qsz", "adwx", "sfec", "dgrv", "fhtb",
    "gjyn", "hkum", "jlio", "kop", "zxs", "xcd", "vcf", "bvg", "nbh", "mjn", "njk"], strict=True)}
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'£0-9\[])")
_SPIN = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")


class PlantedCampaigns(NamedTuple):
    """What :func:`generate_campaigns` returns (unpacks as ``comments, truth, campaigns``).

    comments
        id (``s0000000``...), text, created_at (UTC, NaT for a few): the corpus a detector sees; with
        ``reply_share`` also parent_id (the id of the comment replied to, ``<NA>`` for top-level ones).
    truth
        one row per comment, same order: id, kind (``organic``, ``campaign``, ``placeholder``),
        campaign (the template key, ``<NA>`` unless a campaign copy), edits (comma-separated names from
        :data:`EDIT_RATES` drawn for the copy; a few have no visible effect, such as a reorder in a
        one-sentence letter), personal_before and personal_after (the planted personal paragraphs,
        empty when none), variant (which of the template's variants the copy used, 0 when it has one).
    campaigns
        one row per planted campaign, largest first: campaign, size, template_text (spins resolved to
        their first option, ``{name}``/``{place}`` left as slots), topic.
    """

    comments: pd.DataFrame
    truth: pd.DataFrame
    campaigns: pd.DataFrame

    def save(self, folder: str | Path) -> dict[str, Path]:
        """Write ``comments.parquet``, ``truth.parquet`` and ``campaigns.parquet`` into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out = {}
        for name in self._fields:
            out[name] = folder / f"{name}.parquet"
            getattr(self, name).to_parquet(out[name], index=False)
        return out


def generate_campaigns(n: int, *, campaign_share: float = 0.3, n_campaigns: int | None = None,
                       placeholder_share: float = 0.02, missing_time_share: float = 0.005,
                       templates: dict[str, str | list[str]] | None = None, edit_rates: dict | None = None,
                       words: int = 60, reply_share: float = 0.0, seed: int = 0) -> PlantedCampaigns:
    """A seeded corpus of ``n`` comments with organised campaigns planted in it, and the ground truth.

    ``campaign_share`` of the comments are copies of ``n_campaigns`` template letters (all of
    :data:`TEMPLATES` by default), mail-merged with a name and a place and edited as real copies are
    (:data:`EDIT_RATES`: deleted and reordered sentences, typos, personal paragraphs before or after,
    case, white-space and punctuation noise, HTML entities escaped once or twice). Sizes are skewed as
    on real dockets: the first half of the templates share the copies by a Zipf law (the first template
    holds about half), the rest are small campaigns of 3 to 20 copies. Copies arrive in waves, many in
    bot-like batches sharing the same second or minute. ``placeholder_share`` are placeholder responses
    ("See attached file(s)", "N/A"), which are NOT a campaign in the ground truth; the rest are organic
    comments of about ``words`` words (a richer, vectorised cousin of :func:`generate`). Rows are in
    order of submission, ids numbered in that order. With ``reply_share``, that share of the organic
    comments are replies in threads (see :func:`reply_parents`).

    Parameters
    ----------
    n : int
        Number of comments in all.
    campaign_share, placeholder_share, missing_time_share : float
        Shares of ``n`` that are campaign copies, placeholders, and rows without a timestamp.
    n_campaigns : int, optional
        Number of campaigns planted, using the first ``n_campaigns`` templates; default all of them.
    templates : dict, optional
        Template key -> text, or -> list of texts (variants of one campaign, each copy using one of them,
        like the FCC's "spun" bot letters). Default :data:`TEMPLATES`.
    edit_rates : dict, optional
        Overrides of :data:`EDIT_RATES` (e.g. ``{"before": 0.0}``).
    words : int
        Mean length of an organic comment, in words.
    reply_share : float
        Share of the organic comments that reply to an earlier comment; when above 0, ``comments`` has a
        ``parent_id`` column. The replies are drawn from their own random stream, so everything else is
        the same corpus as with ``reply_share=0``.
    seed : int
        Seed of every random choice: the same arguments give the same corpus.

    Returns
    -------
    PlantedCampaigns
        ``comments, truth, campaigns`` (see :class:`PlantedCampaigns`).

    Examples
    --------
    >>> comments, truth, campaigns = generate_campaigns(2000, seed=1)
    >>> len(comments), int((truth["kind"] == "campaign").sum()), campaigns["campaign"].iloc[0]
    (2000, 600, 'ae_ashbury')
    """
    rng = np.random.default_rng(seed)
    templates = dict(TEMPLATES if templates is None else templates)
    rates = {**EDIT_RATES, **(edit_rates or {})}
    if set(rates) != set(EDIT_RATES):
        raise ValueError(f"unknown edits {sorted(set(rates) - set(EDIT_RATES))}; known: {_EDITS}")
    keys = list(templates)[: len(templates) if n_campaigns is None else n_campaigns]
    if n_campaigns is not None and not 1 <= n_campaigns <= len(templates):
        raise ValueError(f"n_campaigns must be between 1 and {len(templates)} (the number of templates)")
    n_copies = int(round(n * campaign_share))
    n_place = int(round(n * placeholder_share))
    n_organic = n - n_copies - n_place
    if n_organic < 0:
        raise ValueError("campaign_share + placeholder_share must not exceed 1")
    if n_copies == 0:
        keys = []
    sizes = campaign_sizes(n_copies, len(keys), rng=rng) if keys else np.zeros(0, dtype=np.int64)

    topics = [TEMPLATE_TOPICS.get(k, ORGANIC_TOPICS[i % len(ORGANIC_TOPICS)]) for i, k in enumerate(keys)]
    copy_campaign = np.repeat(np.arange(len(keys)), sizes)
    copies, edits, before, after, variant = _campaign_copies(
        [_variants(templates[k]) for k in keys], copy_campaign, np.array(topics, dtype=object), rates, rng)
    organic = _organic_texts(rng.integers(0, len(ORGANIC_TOPICS), n_organic),
                             _sentence_counts(n_organic, words, rng), rng, lowercase_share=0.04)
    placeholders = np.array(PLACEHOLDERS, dtype=object)[rng.integers(0, len(PLACEHOLDERS), n_place)]

    seconds = np.concatenate([_organic_seconds(n_organic, rng), _campaign_seconds(copy_campaign, rng),
                              _organic_seconds(n_place, rng)])
    kind = np.repeat(np.array(["organic", "campaign", "placeholder"], dtype=object), [n_organic, n_copies, n_place])
    label = np.concatenate([np.full(n_organic, None, dtype=object), np.array(keys, dtype=object)[copy_campaign],
                            np.full(n_place, None, dtype=object)])
    empty = np.full(n_organic + n_place, "", dtype=object)
    texts = np.concatenate([organic, copies, placeholders])
    order = np.argsort(seconds, kind="stable")
    missing = np.zeros(n, dtype=bool)
    missing[rng.choice(n, int(round(n * missing_time_share)), replace=False)] = True
    created = (_START + pd.to_timedelta(seconds[order], unit="s")).where(~missing)
    ids = np.char.add("s", np.char.zfill(np.arange(n).astype(str), 7))
    comments = pd.DataFrame({"id": pd.array(ids, dtype="string"), "text": pd.array(texts[order], dtype="string"),
                             "created_at": created})
    if reply_share > 0:
        comments["parent_id"] = reply_parents(comments["id"], kind[order] == "organic", share=reply_share,
                                              rng=np.random.default_rng([seed, 1]))
    truth = pd.DataFrame({
        "id": comments["id"],
        "kind": pd.array(kind[order], dtype="string"),
        "campaign": pd.array(label[order], dtype="string"),
        "edits": pd.array(np.concatenate([empty[:n_organic], edits, empty[n_organic:]])[order], dtype="string"),
        "personal_before": pd.array(np.concatenate([empty[:n_organic], before, empty[n_organic:]])[order],
                                    dtype="string"),
        "personal_after": pd.array(np.concatenate([empty[:n_organic], after, empty[n_organic:]])[order],
                                   dtype="string"),
        "variant": pd.Series(np.concatenate([np.full(n_organic, -1), variant, np.full(n_place, -1)])[order],
                             dtype="Int64").where(kind[order] == "campaign"),
    })
    campaigns = pd.DataFrame({
        "campaign": pd.array(keys, dtype="string"),
        "size": sizes,
        "template_text": pd.array([_plain(_variants(templates[k])[0]) for k in keys], dtype="string"),
        "topic": pd.array(topics, dtype="string"),
    })
    return PlantedCampaigns(comments, truth, campaigns)


def reply_parents(ids: pd.Series, eligible: np.ndarray, *, share: float, rng: np.random.Generator,
                  mean_gap: int = 100) -> pd.Series:
    """Parent ids that turn ``share`` of the ``eligible`` rows into replies, forming reply threads.

    Rows are in order of submission. A reply answers an earlier row (any kind, itself perhaps a reply,
    so threads grow deeper than one level) a geometric number of rows back (at least one, mean
    ``mean_gap``, no further back than the first row), so conversations stay close in time; the first
    row cannot be a reply.

    Parameters
    ----------
    ids : Series of str
        The comment ids, in order of submission.
    eligible : array of bool
        Which rows may be replies (the organic comments).
    share : float
        Share of the eligible rows (row 0 aside) that become replies.
    rng : numpy.random.Generator
        The random stream.
    mean_gap : int
        Mean distance, in rows, from a reply back to its parent.

    Returns
    -------
    Series of str
        The parent's id for each reply, ``<NA>`` for top-level comments (same index as ``ids``).

    Examples
    --------
    >>> ids = pd.Series([f"c{i}" for i in range(6)], dtype="string")
    >>> parents = reply_parents(ids, np.ones(6, dtype=bool), share=0.5, rng=np.random.default_rng(0))
    >>> int(parents.notna().sum()), bool(parents.iloc[0] is pd.NA)
    (2, True)
    """
    if not 0 <= share <= 1:
        raise ValueError(f"reply_share must be between 0 and 1, not {share}")
    candidates = np.flatnonzero(np.asarray(eligible, dtype=bool))
    candidates = candidates[candidates > 0]
    replies = np.sort(rng.choice(candidates, int(round(share * len(candidates))), replace=False))
    gap = np.minimum(rng.geometric(1 / mean_gap, len(replies)), replies)
    parent = pd.Series(pd.NA, index=ids.index, dtype="string")
    parent.iloc[replies] = ids.to_numpy()[replies - gap]
    return parent


def campaign_sizes(total: int, k: int, *, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` copies into ``k`` skewed campaign sizes, largest first.

    The last ``k // 2`` campaigns are small (3 to 20 copies each, fewer when ``total`` is small); the
    first ``k - k // 2`` share what is left by a Zipf law with exponent 1.3, so the first holds about half
    of all copies when there are six of them. Every campaign has at least 3 copies.

    Examples
    --------
    >>> campaign_sizes(1000, 4, rng=np.random.default_rng(0)).sum()
    np.int64(1000)
    """
    if k < 1 or total < 3 * k:
        raise ValueError(f"{total} campaign copies cannot make {k} campaigns of at least 3 copies")
    n_small = k // 2
    n_big = k - n_small
    cap = max(3, min(20, (total - 3 * n_big) // max(n_small, 1) // 4))
    small = rng.integers(3, cap + 1, n_small) if n_small else np.zeros(0, dtype=np.int64)
    rest = total - int(small.sum())
    weights = np.arange(1, n_big + 1, dtype=float) ** -1.3
    big = np.maximum(3, np.floor(rest * weights / weights.sum()).astype(np.int64))
    big[0] += rest - big.sum()  # rounding goes to the largest
    sizes = np.concatenate([big, small]).astype(np.int64)
    if sizes.min() < 3 or sizes.sum() != total:
        raise ValueError(f"{total} campaign copies cannot make {k} campaigns of at least 3 copies")
    return sizes


def read_fcc_templates(path: str | Path, *, min_words: int = 30) -> dict[str, list[str]]:
    """The FCC 17-108 form-letter templates in ``sources.md`` (RagtagOpen/fccforensics), read at run time.

    Each backticked label (``bot.recursive``) is followed by quoted blocks (``> ...``; a bare ``>`` line
    is a paragraph break inside a block). Blocks of at least ``min_words`` words are templates; short
    ones are search snippets and are left out. A label with several long blocks (``bot.recursive``'s
    three spun letters) becomes one campaign with several variants. The text is never copied into the
    project: pass the result as ``templates=`` to :func:`generate_campaigns`.
    """
    out: dict[str, list[str]] = {}
    label, block, paragraph = None, [], []

    def close_block():
        nonlocal block, paragraph
        if paragraph:
            block.append(" ".join(paragraph))
        text = "\n\n".join(block)
        if label and len(text.split()) >= min_words:
            out.setdefault(label, []).append(text)
        block, paragraph = [], []

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith(">"):
            content = stripped[1:].strip()
            if content:
                paragraph.append(content)
            elif paragraph:
                block.append(" ".join(paragraph))
                paragraph = []
            continue
        close_block()
        found = re.fullmatch(r"`([^`]+)`", stripped)
        if found:
            label = found.group(1)
    close_block()
    return out


# ---------------------------------------------------------------------------------------------
# organic text, vectorised with NumPy string arrays


def _sentence_counts(n: int, words: int, rng: np.random.Generator) -> np.ndarray:
    """Sentences per organic comment: right-skewed (log-normal), at least 3 and at most 25, mean about ``words / 14``."""
    mean = max(words / 14.0, 3.0)
    sigma = 0.55
    counts = np.rint(rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, n)).astype(np.int64)
    return np.clip(counts, 3, 25)


def _organic_texts(topic: np.ndarray, counts: np.ndarray, rng: np.random.Generator, *,
                   lowercase_share: float = 0.0, paragraph_share: float = 0.15) -> np.ndarray:
    """Comment texts (object array) with ``counts[i]`` sentences on organic topic ``topic[i]`` (index)."""
    m = len(topic)
    if m == 0:
        return np.zeros(0, dtype=object)
    second = rng.integers(0, len(ORGANIC_TOPICS), m)
    has_second = rng.random(m) < 0.3
    owner = np.repeat(np.arange(m), counts)
    s = len(owner)
    use_second = has_second[owner] & (rng.random(s) < 0.35)
    sent_topic = np.where(use_second, second[owner], topic[owner])
    ends = np.cumsum(counts)
    starts = ends - counts
    opening = np.zeros(s, dtype=bool)
    opening[starts] = True
    sentences = _organic_sentences(sent_topic, rng, opening=opening)
    # a paragraph break before some sentences (never the first): marked, joined, then turned into "\n\n"
    breaks = rng.random(s) < paragraph_share / 3
    breaks[starts] = False
    sentences[breaks] = np.strings.add("\x00", sentences[breaks])
    pieces = sentences.tolist()
    text = np.array([" ".join(pieces[a:b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)],
                    dtype=object)
    marked = np.flatnonzero(np.add.reduceat(breaks, starts) > 0)
    text[marked] = [t.replace(" \x00", "\n\n") for t in text[marked]]
    lower = np.flatnonzero(rng.random(m) < lowercase_share)
    text[lower] = [t.lower() for t in text[lower]]
    return text


def _either(n_stock: int, n_short: int, k: int, rng: np.random.Generator, *, stock: float = 1 / 3) -> np.ndarray:
    """Indices into ``stock + short`` lists: a stock phrase with probability ``stock``, else a short one."""
    return np.where(rng.random(k) < stock, rng.integers(0, n_stock, k), n_stock + rng.integers(0, n_short, k))


def _pick(options: list[str], idx: np.ndarray) -> np.ndarray:
    return np.asarray(options, dtype=np.dtypes.StringDType())[idx]


def _organic_sentences(topic: np.ndarray, rng: np.random.Generator, *, opening: np.ndarray) -> np.ndarray:
    """One sentence per entry of ``topic`` (indices into :data:`ORGANIC_TOPICS`), as a StringDType array.

    Five forms: an opinion, a request, where the writer lives, something that happened, a stock phrase.
    Where ``opening`` is true the sentence is an opinion or an event, the two forms with hundreds of
    thousands of variants per topic, so that short comments do not collide by chance.
    """
    s = len(topic)
    add = np.strings.add
    sdt = np.dtypes.StringDType()
    out = np.empty(s, dtype=sdt)
    form = rng.choice(5, s, p=[0.50, 0.14, 0.10, 0.18, 0.08])
    form[opening] = np.where(rng.random(int(opening.sum())) < 0.75, 0, 3)
    openers, verbs, filler = OPENERS + MORE_OPENERS, VERBS + MORE_VERBS, FILLER + MORE_FILLER
    reasons = [""] * 10 + REASONS
    for t, name in enumerate(ORGANIC_TOPICS):
        subjects, things = ORGANIC_SUBJECTS[name], THINGS[name]
        for f in range(5):
            idx = np.flatnonzero((topic == t) & (form == f))
            k = len(idx)
            if not k:
                continue
            if f == 0:  # "In my view the evening bus timetable has got much worse since the last round of cuts."
                # an opening opinion always gives a reason; stock phrases a third of the time, else short ones
                why = np.where(opening[idx] | (rng.random(k) < 0.6),
                               10 + _either(len(REASONS), len(SHORT_REASONS), k, rng), rng.integers(0, 10, k))
                x = add(add(_pick(openers + SHORT_OPENERS, _either(len(openers), len(SHORT_OPENERS), k, rng)), " "),
                        _pick(subjects, rng.integers(0, len(subjects), k)))
                x = add(add(x, _pick(QUALIFIERS, rng.integers(0, len(QUALIFIERS), k))), " ")
                x = add(add(x, _pick(ADVERBS, rng.integers(0, len(ADVERBS), k))),
                        _pick(verbs + SHORT_VERBS, _either(len(verbs), len(SHORT_VERBS), k, rng)))
                x = add(add(x, _pick(reasons + SHORT_REASONS, why)), ".")
            elif f == 1:  # "Please think again about the mobile library for families like mine."
                x = add(add(add(add(_pick(REQUESTS, rng.integers(0, len(REQUESTS), k)), " "),
                                _pick(subjects, rng.integers(0, len(subjects), k))),
                            _pick(QUALIFIERS, rng.integers(0, len(QUALIFIERS), k))),
                        _pick(reasons, rng.integers(0, len(reasons), k)))
                x = add(x, ".")
            elif f == 2:  # "We moved to Thornley 14 years ago."
                pattern = rng.integers(0, len(RESIDENCE), k)
                place = _pick(PLACES, rng.integers(0, len(PLACES), k))
                years = rng.integers(1, 61, k).astype(sdt)
                x = np.empty(k, dtype=sdt)
                for p, form_text in enumerate(RESIDENCE):
                    sel = pattern == p
                    head, mid, tail = form_text.split("{}")
                    x[sel] = add(add(add(add(head, place[sel]), mid), years[sel]), tail)
            elif f == 3:  # "Last March my neighbour waited 6 hours for an ambulance."
                x = add(add(add(add(add(add(add(add("Last ", _pick(MONTHS, rng.integers(0, 12, k))), " my "),
                                                _pick(RELATIVES, rng.integers(0, len(RELATIVES), k))),
                                            " waited "), rng.integers(2, 41, k).astype(sdt)), " "),
                                _pick(WAITS, rng.integers(0, len(WAITS), k))), " for ")
                x = add(add(x, _pick(things, rng.integers(0, len(things), k))), ".")
            else:
                x = _pick(filler, rng.integers(0, len(filler), k))
            out[idx] = x
    return out


# ---------------------------------------------------------------------------------------------
# campaign copies


def _variants(template: str | list[str]) -> list[str]:
    return [template] if isinstance(template, str) else list(template)


def _plain(template: str) -> str:
    """The template with each spin resolved to its first option."""
    return _SPIN.sub(lambda m: m.group(1).split("|")[0], template)


def _parse(template: str) -> tuple[list[list[object]], list[bool]]:
    """Paragraphs -> sentences (a str, or a list of str and option-lists where spun); protected flags.

    Paragraphs of fewer than eight words (salutation, sign-off) are protected from deletion and
    reordering.
    """
    paragraphs, protected = [], []
    for para in re.split(r"\n\s*\n", template.strip()):
        sentences = []
        for sentence in _SENTENCE_SPLIT.split(para.strip()):
            parts = _SPIN.split(sentence)
            sentences.append(sentence if len(parts) == 1 else
                             [p if i % 2 == 0 else p.split("|") for i, p in enumerate(parts)])
        paragraphs.append(sentences)
        protected.append(len(para.split()) < 8)
    return paragraphs, protected


def _campaign_copies(templates: list[list[str]], campaign: np.ndarray, topics: np.ndarray, rates: dict,
                     rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Texts, edit names, personal additions before and after, for copies of ``templates[campaign[i]]``."""
    m = len(campaign)
    if m == 0:
        empty = np.zeros(0, dtype=object)
        return empty, empty, empty, empty, np.zeros(0, dtype=np.int64)
    parsed = [[_parse(v) for v in variants] for variants in templates]
    variant = (rng.random(m) * np.array([len(v) for v in templates])[campaign]).astype(np.int64)
    applied = {e: rng.random(m) < rates[e] for e in _EDITS}
    u = rng.random((m, 12))  # per-copy uniforms for positions and modes
    names = np.char.add(np.char.add(np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), m)], " "),
                        np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), m)]).astype(object)
    places = np.array(PLACES, dtype=object)[rng.integers(0, len(PLACES), m)]
    # personal paragraphs: mostly one to three sentences, sometimes a longer paragraph, on the campaign's topic
    topic_index = np.array([ORGANIC_TOPICS.index(t) for t in topics])[campaign]
    before = np.full(m, "", dtype=object)
    after = np.full(m, "", dtype=object)
    for flag, target in (("before", before), ("after", after)):
        idx = np.flatnonzero(applied[flag])
        counts = np.where(rng.random(len(idx)) < 0.1, rng.integers(4, 7, len(idx)), rng.integers(1, 4, len(idx)))
        target[idx] = _organic_texts(topic_index[idx], counts, rng, paragraph_share=0.0)
    spins = rng.random((m, 8))
    spun = [[any(not isinstance(x, str) for para in paragraphs for x in para) for paragraphs, _ in v]
            for v in parsed]
    base = [[_assemble(paragraphs, {p: range(len(para)) for p, para in enumerate(paragraphs)},
                       range(len(paragraphs)), None) for paragraphs, _ in v] for v in parsed]
    texts = np.empty(m, dtype=object)
    for i in range(m):
        c, v, ui = campaign[i], variant[i], u[i]
        if spun[c][v] or applied["delete"][i] or applied["reorder"][i]:
            paragraphs, protected = parsed[c][v]
            keep, order = _restructure(paragraphs, protected, ui, applied["delete"][i], applied["reorder"][i])
            text = _assemble(paragraphs, keep, order, spins[i])
        else:
            text = base[c][v]
        text = text.replace("{name}", names[i]).replace("{place}", places[i])
        if applied["typo"][i]:
            text = _typos(text, 1 + int(ui[6] * ui[6] * 4), ui[7])
        if applied["punctuation"][i]:
            text = _punctuation(text, ui[8])
        if before[i]:
            text = before[i] + ("\n\n" if ui[9] < 0.7 else " ") + text
        if after[i]:
            text = text + ("\n\n" if ui[9] < 0.7 else " ") + after[i]
        if applied["case"][i]:
            text = text.lower() if ui[10] < 0.6 else text.upper() if ui[10] < 0.8 else _lower_starts(text)
        if applied["whitespace"][i]:
            text = _whitespace(text, ui[11])
        if applied["entities"][i]:
            text = _escape(text)
            if ui[0] > 0.75:
                text = _escape(text)
        texts[i] = text
    edit_names = np.full(m, "", dtype=object)
    for e in _EDITS:
        flagged = applied[e]
        edit_names[flagged] = np.where(edit_names[flagged] == "", e, edit_names[flagged] + "," + e)
    return texts, edit_names, before, after, variant


def _restructure(paragraphs: list, protected: list[bool], u: np.ndarray, delete: bool,
                 reorder: bool) -> tuple[dict[int, list[int]], list[int]]:
    """Sentences kept per paragraph and the paragraph order after a deletion and/or a swap.

    A deletion removes one sentence (two when ``u[0] < 0.2``), at most a third of the letter's
    sentences, never from a protected paragraph. A reorder swaps two neighbouring paragraphs (when
    ``u[2] < 0.3`` and there are two to swap) or two sentences of one paragraph.
    """
    units = [(p, s) for p, para in enumerate(paragraphs) if not protected[p] for s in range(len(para))]
    keep = {p: list(range(len(para))) for p, para in enumerate(paragraphs)}
    order = list(range(len(paragraphs)))
    if delete and len(units) >= 3:
        first = int(u[1] * len(units))
        for d in range(min(1 + (u[0] < 0.2), len(units) // 3)):
            p, s = units[(first + d * 3) % len(units)]
            keep[p].remove(s)
    if reorder:
        movable = [p for p in order if not protected[p]]
        if u[2] < 0.3 and len(movable) >= 2:
            j = int(u[3] * (len(movable) - 1))
            a, b = movable[j], movable[j + 1]
            order[a], order[b] = order[b], order[a]
        else:
            long = [p for p in movable if len(keep[p]) >= 2]
            if long:
                p = long[int(u[3] * len(long))]
                a = int(u[4] * len(keep[p]))
                b = (a + 1 + int(u[5] * (len(keep[p]) - 1))) % len(keep[p])
                keep[p][a], keep[p][b] = keep[p][b], keep[p][a]
    return keep, order


def _assemble(paragraphs: list, keep: dict, order, spin: np.ndarray | None) -> str:
    """The letter's text: kept sentences of each paragraph in ``order``, spins resolved from ``spin``
    (their first option when ``spin`` is None)."""
    out = []
    for p in order:
        sentences = []
        for s in keep[p]:
            sentence = paragraphs[p][s]
            if not isinstance(sentence, str):
                sentence = "".join(x if isinstance(x, str) else x[0] if spin is None else
                                   x[int(spin[(s + j) % 8] * len(x))] for j, x in enumerate(sentence))
            sentences.append(sentence)
        if sentences:
            out.append(" ".join(sentences))
    return "\n\n".join(out)


def _typos(text: str, k: int, u: float) -> str:
    """``k`` keyboard slips (swap, drop, double, neighbouring key) at positions drawn from ``u``."""
    chars = list(text)
    for _ in range(k):
        u = (u * 7919.0 + 0.1234) % 1.0  # cheap deterministic sequence from the copy's uniform
        i = int(u * (len(chars) - 1))
        c = chars[i]
        if not c.isalpha():
            continue
        mode = int(u * 4000) % 4
        if mode == 0:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif mode == 1:
            del chars[i]
        elif mode == 2:
            chars.insert(i, c)
        else:
            near = _NEIGHBOURS.get(c.lower(), c)
            chars[i] = near[int(u * 40000) % len(near)]
    return "".join(chars)


def _punctuation(text: str, u: float) -> str:
    if u < 0.3:
        return text.replace(",", "")
    if u < 0.5:
        return text.replace("'", "\u2019")
    if u < 0.7:
        return re.sub(r"\.(\s*)$", r"!!\1", text.replace(". ", "! ", 1))
    if u < 0.85:
        return text.replace(".", "")
    return text.replace(", ", " - ")


def _lower_starts(text: str) -> str:
    return re.sub(r"(^|[.!?]\s+)([A-Z])", lambda m: m.group(1) + m.group(2).lower(), text)


def _whitespace(text: str, u: float) -> str:
    if u < 0.3:
        return re.sub(r"\n\s*\n", "\n", text)
    if u < 0.5:
        return re.sub(r"\s+", " ", text)
    if u < 0.7:
        return text.replace(". ", ".  ")
    if u < 0.85:
        return text.replace("\n", "\r\n")
    return "  " + text.replace("\n\n", " \n \n") + " \n"


def _escape(text: str) -> str:
    """HTML-escape as web forms do: ``&`` first, then quotes and curly apostrophes."""
    return (text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;")
            .replace("\u2019", "&rsquo;").replace("<", "&lt;").replace(">", "&gt;"))


# ---------------------------------------------------------------------------------------------
# timestamps


def _organic_seconds(m: int, rng: np.random.Generator) -> np.ndarray:
    """Seconds after the start: any day of the period, hours weighted by :data:`_HOURLY`."""
    day = rng.integers(0, _PERIOD_S // 86400, m)
    hour = rng.choice(24, m, p=_HOURLY / _HOURLY.sum())
    return day * 86400 + hour * 3600 + rng.integers(0, 3600, m)


def _campaign_seconds(campaign: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Submission seconds for campaign copies: waves after each mailing, many in bot-like batches.

    Each campaign has one to four waves (the first the largest) starting at random times; a copy comes
    an exponential delay (mean three hours) after its wave starts. A share of each campaign (10% to 60%)
    is submitted in batches of about 25 copies sharing one second, or one minute for a third of batches.
    """
    m = len(campaign)
    out = np.empty(m, dtype=np.int64)
    for c in np.unique(campaign):
        idx = np.flatnonzero(campaign == c)
        k = len(idx)
        n_waves = 1 + min(int(rng.poisson(1.0)), 3)
        starts = rng.integers(0, int(_PERIOD_S * 0.8), n_waves)
        weights = np.sort(rng.dirichlet(np.ones(n_waves) * 2))[::-1]
        wave = rng.choice(n_waves, k, p=weights)
        seconds = starts[wave] + rng.exponential(3 * 3600, k).astype(np.int64)
        batched = np.flatnonzero(rng.random(k) < rng.uniform(0.1, 0.6))
        if len(batched):
            sizes = rng.geometric(1 / 25, len(batched))
            batch = np.searchsorted(np.cumsum(sizes), np.arange(len(batched)), side="right")
            n_batches = batch.max() + 1
            when = starts[wave[batched]][np.searchsorted(batch, np.arange(n_batches))] + \
                rng.exponential(3 * 3600, n_batches).astype(np.int64)
            per_minute = rng.random(n_batches) < 1 / 3
            when = np.where(per_minute, when // 60 * 60, when)
            seconds[batched] = when[batch] + np.where(per_minute[batch], rng.integers(0, 60, len(batched)), 0)
        out[idx] = np.minimum(seconds, _PERIOD_S - 1)
    return out
