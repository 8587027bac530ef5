"""A seeded synthetic corpus of consultation-style comments with planted themes.

Written for this project (no text copied from any dataset). Each comment mixes sentences about one or
two planted themes with general filler, to about ``words`` words, and carries a timestamp, so every
stage of the pipeline has realistic work to do. The planted theme of each comment is written to the
``planted_theme`` column as ground truth.
"""

from __future__ import annotations

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
