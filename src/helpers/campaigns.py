"""Organised campaigns: exact and near-duplicate responses, grouped, with their templates and additions.

A campaign is a letter sent many times, often lightly edited: a town's name changed, a sentence
reordered or dropped, a typo, a personal paragraph added. UK practice is to count every submission,
aggregate the content and document the method; this module finds the campaigns so that both views
can be reported.

Method (every step vectorised; nothing is quadratic in the number of comments):

1. **Normalise** each analysable text (:func:`normalise_for_matching`): entities unescaped however
   often they were escaped, tags dropped, lower case, punctuation and runs of white space folded.
   Texts equal after this are *exact duplicates* and are handled once from here on.
2. **MinHash** each distinct text's set of word ``shingle_size``-grams (:func:`minhash_signatures`):
   ``num_perm`` seeded hash functions, the minimum of each over the text's shingles. The share of
   equal positions in two signatures estimates the Jaccard similarity of the two shingle sets.
3. **Locality-sensitive hashing**: the signature is cut into ``bands``; texts that agree on a whole
   band land in the same bucket and become candidates (each text is linked to the first text of its
   bucket, so a bucket of a million copies costs a million links, not a trillion pairs).
4. **Verification**: a candidate link is kept when the estimated *overlap* of the two shingle sets,
   ``|A & B| / min(|A|, |B|)``, is at least ``threshold``. Overlap rather than Jaccard, so that a copy
   with a long personal paragraph added, or with sentences deleted, still matches its template. The
   denominator is at least 40 shingles, so short texts must share at least ``40 * threshold``
   shingles (about 20 words with the defaults): two short comments sharing one stock sentence are
   not copies.
5. **Grouping without chaining**: connected components of the kept links, then each component's
   *template* is its most central member (the text agreeing most, position by position, with the
   component's consensus signature, copies weighted by their number); members whose overlap with the
   template is below ``threshold`` are split off and grouped again among themselves. So two letters
   that are each close to a third text but not to each other do not end up in one campaign.
6. A group is a **campaign** when it has at least ``min_campaign_size`` submissions and its template
   has at least ``min_words`` words. Placeholders ("See attached file(s)", "N/A") and rows that text
   analysis skips (posts, pingbacks; see :func:`helpers.schema.analysable`) are never in a campaign.
7. For each campaign: size and share of the analysed submissions, the template, each member's
   **personal additions** (its sentences that share fewer than half of their shingles with the
   template), first and last submission, and **burst signals** (the most submissions in one second
   and in one minute) when timestamps are precise enough to show them.

The estimated similarities carry MinHash's sampling error (standard error
``sqrt(J (1 - J) / num_perm)``, at most 0.0625 with the default 64 functions), and hashing is seeded,
so the same input and parameters always give the same campaigns. 64 functions in 16 bands of 4 make
two texts with Jaccard similarity 0.5 candidates with probability 0.64 and texts with 0.2 with
probability 0.03; a copy needs only one link to any member of its campaign, so large campaigns are
found whole, and small ones are checked in the tests and the benchmark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .clean import classify_non_answers
from .errors import ConfigError
from .ingest._html import unescape_series
from .ingest.regulationsgov import POINTER_MAX_CHARS, attachment_only, placeholder_mask
from .parallel import imap_blocks
from .redact import GENERIC_AUTHORS
from .schema import RESPONSE_KINDS, analysable

__all__ = [
    "DEFAULTS",
    "summary_sentence",
    "normalise_for_matching",
    "minhash_signatures",
    "band_keys",
    "bucket_links",
    "split_links",
    "lsh_links",
    "detect_campaigns",
    "campaign_counts",
    "senders",
    "request_sentence",
    "attachment_only",
    "time_resolution",
    "sensitivity",
    "content_units",
    "MIN_ADDITION_WORDS",
]

#: Default parameters, justified in ``notebooks/03_campaigns.ipynb`` and the README.
DEFAULTS = {
    "shingle_size": 3,
    "threshold": 0.5,
    "min_campaign_size": 3,
    "min_words": 10,
    "num_perm": 64,
    "bands": 16,
}

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_PRIME = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime, to combine token hashes in order
_CHUNK_CHARS = 30_000_000  # characters hashed at a time (about 5 million words): bounds memory

_TAG = re.compile(r"<[^>]{0,200}>")
# What a letter asks for: the strongest cue first ("I urge CMS to ..."), then weaker ones ("should").
_REQUEST = (
    re.compile(r"\b(urge|urges|urging|ask you|asking you|call on|calls on|calling on|request that|demand|demands|"
               r"implore|beg you)\b", re.IGNORECASE),
    re.compile(r"\b(please|should|must|need to|needs to|oppose|opposed|object to|support|in favou?r of|recommend|"
               r"encourage|want)\b", re.IGNORECASE),
)
# An ask whose object is only "this proposal" or "it" says what it wants done, not about what: the
# sentence after it usually says (CMS-2022-0163: "I am writing to urge CMS to reject this proposal.
# Patients have the right to clear and accurate knowledge about the sex of their chosen providers.")
_VAGUE_OBJECT = re.compile(r"\b(?:this|these|the|that)\s+(?:proposals?|proposed\s+\w+|rules?|changes?|plans?|"
                           r"polic(?:y|ies)|decisions?|measures?|regulations?|requests?)\b|\bit\b", re.IGNORECASE)
_SHORT_ASK = 15  # words: an ask this short with a vague object takes the next sentence with it
# A short text that only points at an attachment ("Please see the attached comments from ...") is a
# placeholder however it is worded: its content is elsewhere, so its copies are not a campaign.
# Overlap is measured against at least this many shingles (about 40 words): two short comments that
# share one stock sentence ("That is all I wanted to say") are not copies of each other.
_MIN_OVERLAP_BASE = 40


def _splitmix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: spreads the bits of 64-bit keys (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


# --- normalisation and hashing ---------------------------------------------------------------------

_NOT_ALNUM_RE2 = r"[^\p{L}\p{N}]+"  # RE2 (Arrow): anything but letters and digits


def _prepare(text: pd.Series) -> pa.Array:
    """Texts as an Arrow array: entities unescaped however often escaped, tags dropped, lower case."""
    s = unescape_series(text, max_rounds=4).fillna("")  # &amp;amp;amp;lt; needs as many passes as escapes
    tagged = s.str.contains("<", regex=False).to_numpy(dtype=bool)  # after unescaping: "&lt;b&gt;" is a tag
    if tagged.any():
        s[tagged] = s[tagged].map(lambda t: _TAG.sub(" ", t))
    return pa.array(s.str.lower(), type=pa.large_string())


def _words(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each text's words after normalisation.

    Text is split at white space and each piece keeps only its letters and digits ("patient's" ->
    "patients", "well-being" -> "wellbeing"); pieces with none ("-", "&") are dropped.

    Returns
    -------
    vocabulary : object array of the distinct words
    index : int array, the vocabulary position of every word of every text, text after text
    lengths : int64 array, the number of words of each text
    """
    lists = pc.utf8_split_whitespace(_prepare(text))
    owner = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(pc.list_flatten(lists))
    # clean each distinct piece once (the dictionary is far smaller than the text)
    cleaned = pc.replace_substring_regex(encoded.dictionary, _NOT_ALNUM_RE2, "")
    remap, vocabulary = pd.factorize(cleaned.to_numpy(zero_copy_only=False))
    index = remap[encoded.indices.to_numpy(zero_copy_only=False)]
    keep = pc.greater(pc.utf8_length(cleaned), 0).to_numpy(zero_copy_only=False)[
        encoded.indices.to_numpy(zero_copy_only=False)] if len(index) else np.zeros(0, dtype=bool)
    index = index[keep]
    lengths = np.bincount(owner[keep], minlength=len(text)).astype(np.int64)
    return vocabulary, index, lengths


def normalise_for_matching(text: pd.Series) -> pd.Series:
    """Fold the differences that do not make two letters different letters.

    HTML entities are unescaped however many times they were escaped (``&amp;amp;`` -> ``&``), tags
    are dropped, letters lower-cased, and the text split at white space with each word keeping only
    its letters and digits (``patient’s`` -> ``patients``, ``well-being`` -> ``wellbeing``; a word
    with none, like ``-``, is dropped). Two texts are exact duplicates when these are equal.

    Parameters
    ----------
    text : Series of str

    Returns
    -------
    Series of str ("string" dtype), same index; missing becomes "".

    Examples
    --------
    >>> normalise_for_matching(pd.Series(["Dear CMS,&amp;amp; <b>patients’</b>  SAFETY - now!", None])).tolist()
    ['dear cms patients safety now', '']
    """
    vocabulary, index, lengths = _words(text)
    joined = _join_lists(np.concatenate([[0], np.cumsum(lengths)]), pa.array(vocabulary[index].tolist()))
    return pd.Series(joined, index=text.index, dtype="string")


def _join_lists(offsets: np.ndarray, values: pa.Array) -> np.ndarray:
    """``" ".join(values[offsets[i]:offsets[i + 1]])`` for each i, in one Arrow pass (object array of str)."""
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, type=pa.int64()), values.cast(pa.large_string()))
    return pc.binary_join(lists, pa.scalar(" ", type=pa.large_string())).to_numpy(zero_copy_only=False)


def _token_hashes(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The 64-bit hash of every word of every text (after :func:`normalise_for_matching`), in order,
    and each text's number of words. A word's hash depends only on the word, so it is the same in
    every chunk and every run."""
    vocabulary, index, lengths = _words(text)
    if len(vocabulary) == 0:
        return np.zeros(0, dtype=np.uint64), lengths
    return pd.util.hash_array(vocabulary, categorize=False)[index], lengths


def _text_hashes(token_hash: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """One 64-bit hash per text of its whole word sequence (equal texts, equal hashes)."""
    owner = np.repeat(np.arange(len(lengths)), lengths)
    position = (np.arange(len(token_hash)) - np.repeat(np.cumsum(lengths) - lengths, lengths)).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = _splitmix(token_hash ^ _splitmix(position + np.uint64(1)))
        out = np.bincount(owner, minlength=len(lengths)).astype(np.uint64) * _MIX1  # the empty text too
        has = lengths > 0
        if has.any():
            out[has] ^= np.add.reduceat(mixed, (np.cumsum(lengths) - lengths)[has])
    return out


def _shingle_hashes(token_hash: np.ndarray, lengths: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of each text's word ``k``-grams, text after text, and the number per text. A text shorter
    than ``k`` words gives one shingle of all its words; an empty text none."""
    n_tokens = len(token_hash)
    counts = np.where(lengths >= k, lengths - k + 1, np.minimum(lengths, 1))
    if n_tokens == 0:
        return np.zeros(0, dtype=np.uint64), counts
    ends = np.cumsum(lengths)
    starts = ends - lengths
    sh = token_hash.copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):  # the k-gram starting at each token (running into the next text at the end)
            sh[:-j] = sh[:-j] * _PRIME + token_hash[j:]
        # a text shorter than k words: one shingle of its own words only
        short = np.flatnonzero((lengths > 0) & (lengths < k))
        h = token_hash[starts[short]]
        for j in range(1, k - 1):
            more = lengths[short] > j
            h[more] = h[more] * _PRIME + token_hash[starts[short][more] + j]
        sh[starts[short]] = h
        sh = _splitmix(sh ^ np.uint64(k))
    # keep the shingles that start at least k - 1 words before their text's end (the first of a short text)
    valid = np.zeros(n_tokens + 1, dtype=np.int64)
    np.add.at(valid, starts[counts > 0], 1)
    np.add.at(valid, (starts + counts)[counts > 0], -1)
    return sh[np.cumsum(valid[:-1]) > 0], counts


def _signature_chunk(texts: pd.Series, shingle_size: int, a: np.ndarray, b: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`minhash_signatures` of some texts: the rows (positions) with shingles and their
    signatures, then every text's number of distinct shingles, number of words and text hash."""
    n = len(texts)
    th, lengths = _token_hashes(texts)
    text_hash = _text_hashes(th, lengths)
    sh, counts = _shingle_hashes(th, lengths, shingle_size)
    has = counts > 0
    n_shingles = np.zeros(n, dtype=np.int64)
    if not has.any():
        return np.zeros(0, dtype=np.int64), np.zeros((0, len(a)), dtype=np.uint32), n_shingles, lengths, text_hash
    owner = np.repeat(np.arange(n, dtype=np.uint64), counts)
    keyed = np.sort((owner << np.uint64(40)) | (sh >> np.uint64(24)))  # 40 hash bits per text suffice
    new = np.ones(len(keyed), dtype=bool)
    new[1:] = keyed[1:] != keyed[:-1]
    n_shingles = np.bincount((keyed[new] >> np.uint64(40)).astype(np.int64), minlength=n)
    starts = (np.cumsum(counts) - counts)[has]
    sh32 = (sh >> np.uint64(32)).astype(np.uint32)
    hv, shifted = np.empty_like(sh32), np.empty_like(sh32)
    block = np.empty((len(a), len(starts)), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for p in range(len(a)):
            np.bitwise_xor(sh32, b[p], out=hv)
            np.multiply(hv, a[p], out=hv)
            np.right_shift(hv, np.uint32(16), out=shifted)
            np.bitwise_xor(hv, shifted, out=hv)
            np.minimum.reduceat(hv, starts, out=block[p])
    return np.flatnonzero(has), block.T, n_shingles, lengths, text_hash


def minhash_signatures(texts: pd.Series, *, shingle_size: int = DEFAULTS["shingle_size"],
                       num_perm: int = DEFAULTS["num_perm"], random_state: int = 0,
                       n_jobs: int | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MinHash signatures of each text's set of word shingles, computed in chunks of texts (in worker
    processes for a large input).

    Parameters
    ----------
    texts : Series of str
        Texts as given; they are normalised here (:func:`normalise_for_matching`).
    shingle_size, num_perm, random_state : keyword-only
        Words per shingle; hash functions per signature; seed of the hash functions.
    n_jobs : int, optional
        Worker processes for chunks of a large input (:func:`helpers.parallel.map_blocks`); None or
        -1: one per core. The result does not depend on it.

    Returns
    -------
    signatures : ndarray of uint32, shape (len(texts), num_perm)
        Position ``p`` holds the smallest value of hash function ``p`` over the text's shingles
        (``2**32 - 1`` for a text without words). Hash function ``p`` is ``x -> mix((x ^ b_p) * a_p)``
        on 32-bit shingle hashes, with odd ``a_p`` (a permutation of the 32-bit values).
    n_shingles : ndarray of int64
        The number of distinct shingles of each text.
    n_words : ndarray of int64
        The number of words of each text after normalisation.
    text_hash : ndarray of uint64
        A hash of each normalised text: equal texts have equal hashes (a different pair collides
        with probability about 2**-64).

    Examples
    --------
    >>> sig, n, words, h = minhash_signatures(pd.Series(["a b c d", "A, b c d!", "x y z"]), shingle_size=2,
    ...                                       num_perm=8)
    >>> bool((sig[0] == sig[1]).all()), int((sig[0] == sig[2]).sum()), n.tolist(), words.tolist(), bool(h[0] == h[1])
    (True, 0, [3, 3, 2], [4, 4, 3], True)
    """
    rng = np.random.default_rng(random_state)
    a = rng.integers(0, 2**32, num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, num_perm, dtype=np.uint64).astype(np.uint32)
    n = len(texts)
    sig = np.full((n, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    n_shingles = np.zeros(n, dtype=np.int64)
    n_words = np.zeros(n, dtype=np.int64)
    text_hash = np.zeros(n, dtype=np.uint64)
    bounds = _chunks(texts)
    chunks = [texts.iloc[lo:hi] for lo, hi in bounds]
    for (lo, hi), (rows, block, shingles, words, hashes) in zip(
        bounds, imap_blocks(_signature_chunk, chunks, shingle_size, a, b, n_jobs=n_jobs,
                            desc="MinHash signatures"), strict=True):
        sig[lo + rows] = block
        n_shingles[lo:hi], n_words[lo:hi], text_hash[lo:hi] = shingles, words, hashes
    return sig, n_shingles, n_words, text_hash


def _take(values: np.ndarray, index: np.ndarray, fill, *, where: np.ndarray | None = None) -> np.ndarray:
    """``values[index]`` where ``index >= 0`` (and ``where``, if given), ``fill`` elsewhere."""
    values = np.asarray(values)
    ok = index >= 0 if where is None else (index >= 0) & where
    out = np.full(len(index), fill, dtype=object if values.dtype == object else np.result_type(values, np.asarray(fill)))
    out[ok] = values[index[ok]]
    return out


# --- candidate links, verification, grouping -----------------------------------------------------

def band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    """The LSH bucket of each text in each band: a 64-bit hash of the band's part of the signature.

    Row-local (a text's keys depend on its signature alone), so they can be computed in partitions.

    Returns
    -------
    ndarray of uint64, shape (len(sig), bands)
        Column ``t`` is band ``t``'s key; texts with equal keys in one band share a bucket.
    """
    n, num_perm = sig.shape
    rows = num_perm // bands
    out = np.empty((n, bands), dtype=np.uint64)
    for t in range(bands):
        with np.errstate(over="ignore"):
            h = np.full(n, np.uint64(t), dtype=np.uint64)
            for c in range(rows):
                h = h * _PRIME + sig[:, t * rows + c]
            out[:, t] = _splitmix(h)
    return out


def bucket_links(key: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Link each text to the first text (smallest ``index``) of its bucket, within one band.

    Parameters
    ----------
    key : uint64 array
        The texts' bucket keys in one band (:func:`band_keys`).
    index : int64 array
        The texts' positions (ascending), which name them in the links.

    Returns
    -------
    int64 array
        One pair key ``i * 2**32 + j`` (``i < j``) per text that is not first in its bucket.
    """
    order = np.argsort(key, kind="stable")  # stable: within a bucket, texts stay in index order
    ks = key[order]
    first = np.ones(len(ks), dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    head = order[np.maximum.accumulate(np.where(first, np.arange(len(ks)), 0))]
    linked = ~first
    i, j = index[head[linked]].astype(np.int64), index[order[linked]].astype(np.int64)
    return (np.minimum(i, j) << np.int64(32)) | np.maximum(i, j)


def lsh_links(sig: np.ndarray, bands: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, of texts that share at least one whole band: each text is linked to the
    first text of each bucket it lands in (:func:`bucket_links` in every band). Sorted, unique.

    Examples
    --------
    >>> sig = np.array([[1, 2], [1, 3], [4, 3], [1, 2]], dtype=np.uint32)
    >>> [a.tolist() for a in lsh_links(sig, 2)]  # band 0 links 1 and 3 to 0; band 1 links 2 to 1, 3 to 0
    [[0, 0, 1], [1, 3, 2]]
    """
    keys = band_keys(sig, bands)
    index = np.arange(len(sig), dtype=np.int64)
    links = [bucket_links(keys[:, t], index) for t in range(bands)]
    return split_links(np.unique(np.concatenate(links)) if links else np.zeros(0, dtype=np.int64))


def split_links(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (i, j) positions of pair keys made by :func:`bucket_links`."""
    pairs = np.asarray(pairs, dtype=np.int64)
    return pairs >> np.int64(32), pairs & np.int64(0xFFFFFFFF)


def _overlap(sig: np.ndarray, n_sh: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Estimated overlap |A & B| / max(40, min(|A|, |B|)) of the shingle sets of texts i and j (elementwise).

    From the MinHash estimate J of the Jaccard similarity: |A & B| = J (|A| + |B|) / (1 + J).
    """
    out = np.empty(len(i), dtype=np.float64)
    step = max(1, 8_000_000 // max(1, sig.shape[1]))
    for lo in range(0, len(i), step):
        a, b = i[lo:lo + step], j[lo:lo + step]
        jac = (sig[a] == sig[b]).mean(axis=1)
        inter = jac * (n_sh[a] + n_sh[b]) / (1 + jac)
        out[lo:lo + step] = np.minimum(1.0, inter / np.maximum(_MIN_OVERLAP_BASE, np.minimum(n_sh[a], n_sh[b])))
    return out


def _consensus_medoids(sig: np.ndarray, weight: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """For each group, the member agreeing most with the group's position-by-position (weighted)
    modal signature; ties go to the member with more copies, then the earlier one."""
    n, num_perm = sig.shape
    agree = np.zeros(n, dtype=np.float64)
    for p in range(num_perm):
        v = sig[:, p]
        order = np.lexsort((v, group))
        g, vs, ws = group[order], v[order], weight[order]
        start = np.ones(n, dtype=bool)
        start[1:] = (g[1:] != g[:-1]) | (vs[1:] != vs[:-1])
        idx = np.flatnonzero(start)
        runs = np.add.reduceat(ws, idx)
        run_group = g[idx]
        # the modal value per group: the run with the largest weight (first such run on ties)
        best = pd.Series(runs).groupby(run_group).idxmax().to_numpy()
        mode = np.zeros(n_groups, dtype=np.uint32)
        mode[run_group[best]] = vs[idx[best]]
        agree += sig[:, p] == mode[group]
    score = pd.DataFrame({"group": group, "agree": agree, "weight": weight, "i": np.arange(n)})
    score = score.sort_values(["group", "agree", "weight", "i"], ascending=[True, False, False, True])
    medoid = np.full(n_groups, -1, dtype=np.int64)
    firsts = score.drop_duplicates("group")
    medoid[firsts["group"].to_numpy()] = firsts["i"].to_numpy()
    return medoid


def _group(sig: np.ndarray, n_sh: np.ndarray, weight: np.ndarray, eligible: np.ndarray, *,
           threshold: float, bands: int, max_rounds: int = 6, band_links=lsh_links
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group distinct texts into near-duplicate groups (``band_links``: see :func:`detect_campaigns`).

    Returns
    -------
    group : int64 array (-1 for texts in no group of two or more)
    template : int64 array, per group, the index of its template text
    similarity : float array, each text's estimated overlap with its group's template (nan if none)
    """
    n = len(sig)
    group = np.full(n, -1, dtype=np.int64)
    similarity = np.full(n, np.nan)
    templates: list[int] = []
    active = eligible.copy()
    for _ in range(max_rounds):
        idx = np.flatnonzero(active)
        if len(idx) < 2:
            break
        # candidate links among the texts still to place (so every bucket's head is one of them)
        i, j = band_links(sig[idx], bands)
        keep = _overlap(sig, n_sh, idx[i], idx[j]) >= threshold
        i, j = i[keep], j[keep]
        if len(i) == 0:
            break
        m = len(idx)
        _, comp = connected_components(coo_matrix((np.ones(len(i)), (i, j)), shape=(m, m)), directed=False)
        linked = np.zeros(m, dtype=bool)
        linked[i] = linked[j] = True
        members = idx[linked]
        _, local = np.unique(comp[linked], return_inverse=True)
        n_local = int(local.max()) + 1
        medoid = members[_consensus_medoids(sig[members], weight[members], local, n_local)]
        sim = _overlap(sig, n_sh, members, medoid[local])
        sim[members == medoid[local]] = 1.0
        fits = sim >= threshold
        base = len(templates)
        templates.extend(medoid.tolist())
        group[members[fits]] = base + local[fits]
        similarity[members[fits]] = sim[fits]
        active[:] = False
        active[members[~fits]] = True  # split off: grouped again among themselves
    # groups of one text (its copies may still be many) are kept; renumber densely
    used = np.unique(group[group >= 0])
    remap = np.full(len(templates), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    group = _take(remap, group, -1)
    return group, np.asarray(templates, dtype=np.int64)[used], similarity


# --- templates, additions, bursts -------------------------------------------------------------

def _sentences(text: pd.Series) -> pd.DataFrame:
    """One row per sentence: ``owner`` (position in ``text``), ``sentence`` (original wording, stripped).

    A sentence ends at ".", "!" or "?" followed by white space, or at a line break.
    """
    arr = pa.array(text.astype("string").fillna(""), type=pa.large_string())
    marked = pc.replace_substring_regex(arr, r"([.!?])[ \t\r\f\v]+", "\\1\n")
    lists = pc.split_pattern(marked, "\n")
    owner = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    parts = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = pc.greater(pc.utf8_length(parts), 0).to_numpy(zero_copy_only=False)
    return pd.DataFrame({"owner": owner[keep],
                         "sentence": pd.Series(parts.filter(pa.array(keep)), dtype="string").array})


def _join_runs(owner: np.ndarray, sentence: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each owner's sentences joined by a space, in one Arrow pass (``owner`` non-decreasing).

    Returns the distinct owners and, for each, the joined text (object array of str).

    Examples
    --------
    >>> owners, joined = _join_runs(np.array([0, 0, 3]), pd.Series(["a b.", "c.", "d"], dtype="string"))
    >>> owners.tolist(), joined.tolist()
    ([0, 3], ['a b. c.', 'd'])
    """
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    return owner[starts], _join_lists(np.r_[starts, len(owner)], pa.array(sentence.astype("string").array))


def _chunks(texts: pd.Series) -> list[tuple[int, int]]:
    """Row ranges of ``texts`` holding about :data:`_CHUNK_CHARS` characters each."""
    n = len(texts)
    chars = np.cumsum(texts.astype("string").str.len().fillna(0).to_numpy(dtype=np.int64))
    total = int(chars[-1]) if n else 0
    cuts = np.searchsorted(chars, np.arange(_CHUNK_CHARS, total, _CHUNK_CHARS), side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [n]])).astype(int)
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def _additions_chunk(part: tuple[pd.Series, np.ndarray], t_keys: np.ndarray, shingle_size: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_personal_additions` of some texts (with their campaigns' positions): the positions
    with additions, their additions joined, and every text's number of added words."""
    texts, campaign = part
    mine = _sentences(texts)
    m_th, m_lengths = _token_hashes(mine["sentence"])
    m_sh, m_counts = _shingle_hashes(m_th, m_lengths, shingle_size)
    owner_campaign = campaign[mine["owner"].to_numpy()]
    with np.errstate(over="ignore"):
        keys = _splitmix(m_sh ^ (np.repeat(owner_campaign, m_counts).astype(np.uint64) * _MIX2))
    at = np.minimum(np.searchsorted(t_keys, keys), len(t_keys) - 1)
    found = (t_keys[at] == keys).astype(np.float64)
    has = m_counts > 0
    share = np.ones(len(mine))
    if has.any():
        share[has] = np.add.reduceat(found, (np.cumsum(m_counts) - m_counts)[has]) / m_counts[has]
    personal = mine[(share < 0.5) & has]
    words = np.zeros(len(texts), dtype=np.int64)
    if not len(personal):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object), words
    owners, joined = _join_runs(personal["owner"].to_numpy(), personal["sentence"])
    n_words = m_lengths[personal.index.to_numpy()]
    words += np.bincount(personal["owner"].to_numpy(), weights=n_words, minlength=len(texts)).astype(np.int64)
    return owners, joined, words


def _personal_additions(texts: pd.Series, campaign: np.ndarray, templates: pd.Series, *, shingle_size: int
                        ) -> tuple[pd.Series, np.ndarray]:
    """For each text, the sentences sharing fewer than half their shingles with its campaign's template.

    ``campaign[i]`` is the position in ``templates`` of text i's template. Returns the additions
    (sentences joined by a space; "" when none) and their word counts. Texts are taken in chunks, so
    memory stays bounded however many copies a campaign has.
    """
    n = len(texts)
    out = np.full(n, "", dtype=object)
    words = np.zeros(n, dtype=np.int64)
    if n == 0:
        return pd.Series(out, dtype="string", index=texts.index), words
    tmpl = _sentences(templates)
    t_sh, t_counts = _shingle_hashes(*_token_hashes(tmpl["sentence"]), shingle_size)
    with np.errstate(over="ignore"):
        t_keys = np.unique(_splitmix(t_sh ^ (np.repeat(tmpl["owner"].to_numpy(), t_counts).astype(np.uint64)
                                              * _MIX2)))
    bounds = _chunks(texts)
    parts = [(texts.iloc[lo:hi], campaign[lo:hi]) for lo, hi in bounds]
    for (lo, hi), (owners, joined, n_words) in zip(
        bounds, imap_blocks(_additions_chunk, parts, t_keys, shingle_size, size=lambda part: len(part[0]),
                            desc="personal additions"), strict=True):
        out[lo + owners] = joined
        words[lo:hi] = n_words
    return pd.Series(out, dtype="string", index=texts.index), words


def request_sentence(template: str, *, max_chars: int = 300) -> str:
    """The sentence of a template that says what it asks for: the first with a request cue ("urge",
    "ask", "should", "must", "please", "opposed", ...), else the first sentence; with the sentence
    after it when it is short and its object is only "this proposal" or "it"; cut at a word near
    ``max_chars``.

    Examples
    --------
    >>> request_sentence("Dear Minister, we should talk. I urge you to keep the library open. Thanks.")
    'I urge you to keep the library open.'
    >>> request_sentence("I am writing to urge you to reject this proposal. Libraries are where children "
    ...                  "learn to read. Thank you.")
    'I am writing to urge you to reject this proposal. Libraries are where children learn to read.'
    """
    from .sentiment import split_sentences

    parts = [p.strip() for p in split_sentences(template or "") if p.strip()]
    if not parts:
        return ""
    at = next((i for cue in _REQUEST for i, p in enumerate(parts) if cue.search(p) and len(p.split()) >= 5), 0)
    ask = parts[at]
    if len(ask.split()) < _SHORT_ASK and _VAGUE_OBJECT.search(ask) and at + 1 < len(parts):
        ask = f"{ask} {parts[at + 1]}"
    if len(ask) > max_chars:
        ask = ask[:max_chars].rsplit(" ", 1)[0] + "\u2026"
    return ask


def _n_responses(comments: pd.DataFrame) -> int:
    """Rows of a response kind (every row when the table has no ``kind``): what shares are shares of."""
    if "kind" not in comments.columns:
        return len(comments)
    return int(comments["kind"].isin(RESPONSE_KINDS).sum())


def time_resolution(times: pd.Series) -> str:
    """The finest unit the timestamps vary in: "none" (no timestamps), "day", "hour", "minute" or "second".

    Dates stored as local midnight in UTC take one or two times of day (summer time): that is "day".

    Examples
    --------
    >>> time_resolution(pd.Series(pd.to_datetime(["2022-10-24 04:00", "2022-11-08 05:00"], utc=True)))
    'day'
    >>> time_resolution(pd.Series(pd.to_datetime(["2022-10-24 04:00:05", "2022-10-24 04:01:00"], utc=True)))
    'second'
    """
    t = pd.Series(times).dropna()
    if t.empty:
        return "none"
    if (t.dt.second != 0).any() or (t.dt.microsecond != 0).any():
        return "second"
    if (t.dt.minute != 0).any():
        return "minute"
    return "hour" if t.dt.hour.nunique() > 2 else "day"


def _bursts(campaign_id: pd.Series, times: pd.Series, resolution: str) -> pd.DataFrame:
    """Per campaign: first and last submission, most in one second and in one minute, and the share of
    submissions sharing their second with another submission of the same campaign."""
    frame = pd.DataFrame({"campaign_id": campaign_id.to_numpy(), "t": times.to_numpy()}).dropna(subset=["campaign_id"])
    out = frame.groupby("campaign_id")["t"].agg(first_at="min", last_at="max")
    for unit, freq, needs in (("second", "s", ("second",)), ("minute", "min", ("second", "minute"))):
        col = f"max_per_{unit}"
        if resolution in needs:
            dated = frame.dropna(subset=["t"])
            per = dated.assign(b=dated["t"].dt.floor(freq))
            counts = per.groupby(["campaign_id", "b"]).size()
            out[col] = counts.groupby(level=0).max()
            if unit == "second":
                shared = counts[counts >= 2].groupby(level=0).sum()
                out["same_second_share"] = (shared / per.groupby("campaign_id").size()).reindex(out.index).fillna(0)
            else:
                busiest = counts.groupby(level=0).idxmax()
                out["busiest_minute"] = busiest.map(lambda k: k[1])
        else:
            out[col] = pd.NA
    if "same_second_share" not in out:
        out["same_second_share"] = np.nan
    if "busiest_minute" not in out:
        out["busiest_minute"] = pd.NaT
    return out


# --- the whole detection --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Params:
    shingle_size: int
    threshold: float
    min_campaign_size: int
    min_words: int
    num_perm: int
    bands: int

    def check(self) -> None:
        if self.shingle_size < 1:
            raise ConfigError(f"shingle_size must be at least 1 (got {self.shingle_size})")
        if not 0 < self.threshold <= 1:
            raise ConfigError(f"threshold must be in (0, 1] (got {self.threshold})")
        if self.min_campaign_size < 2:
            raise ConfigError(f"min_campaign_size must be at least 2 (got {self.min_campaign_size})")
        if self.min_words < self.shingle_size:
            raise ConfigError(f"min_words ({self.min_words}) must be at least shingle_size ({self.shingle_size})")
        if self.bands < 1 or self.num_perm % self.bands:
            raise ConfigError(f"bands ({self.bands}) must divide num_perm ({self.num_perm})")


def detect_campaigns(
    comments: pd.DataFrame,
    *,
    shingle_size: int = DEFAULTS["shingle_size"],
    threshold: float = DEFAULTS["threshold"],
    min_campaign_size: int = DEFAULTS["min_campaign_size"],
    min_words: int = DEFAULTS["min_words"],
    num_perm: int = DEFAULTS["num_perm"],
    bands: int = DEFAULTS["bands"],
    random_state: int = 0,
    minhash=minhash_signatures,
    band_links=lsh_links,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find exact duplicates and organised campaigns in a comments table (see the module's docstring).

    Parameters
    ----------
    comments : DataFrame
        At least ``comment_id`` and ``text``; ``created_at`` (timestamps), ``kind`` and
        ``is_placeholder`` are used when present. Rows that :func:`helpers.schema.analysable` rejects
        and placeholders are listed but never matched.
    shingle_size : int, keyword-only
        Words per shingle.
    threshold : float, keyword-only
        Smallest estimated overlap of shingle sets for two texts to be near-duplicates, and for a
        member to stay with its campaign's template.
    min_campaign_size : int, keyword-only
        Fewest submissions (copies included) for a group to be a campaign.
    min_words : int, keyword-only
        Fewest words (after normalisation) a template needs; shorter texts ("I agree") repeated many
        times are exact duplicates, not a campaign.
    num_perm, bands : int, keyword-only
        MinHash hash functions, and how many bands the signature is cut into for LSH.
    random_state : int, keyword-only
        Seed of the hash functions.
    minhash, band_links : callable, keyword-only
        How the row-local MinHash step (as :func:`minhash_signatures`) and the LSH bucketing (as
        :func:`lsh_links`) are computed. The defaults run in memory; :mod:`helpers.dask_engine` passes
        partition-parallel ones with the same results.

    Returns
    -------
    members : DataFrame
        One row per input row, in input order: ``comment_id``, ``matched`` (whether the row took
        part), ``duplicate_group`` (rows with the same normalised text share it), ``n_copies``
        (rows in that group), ``campaign_id`` (``C1`` is the largest; missing when none),
        ``similarity`` (estimated overlap with the template), ``is_template``, ``addition``
        (personal additions: sentences not from the template) and ``addition_words``.
    campaigns : DataFrame
        One row per campaign, largest first: ``campaign_id``, ``size``, ``share`` (of all responses),
        ``n_variants`` (distinct normalised texts), ``n_exact`` (exact copies of the template),
        ``n_with_additions``, ``min_similarity``, ``template_id``, ``template_text``,
        ``request`` (:func:`request_sentence`), ``first_at``, ``last_at``, ``max_per_second``,
        ``max_per_minute``, ``same_second_share``, ``busiest_minute``; and, when the comments say
        who sent them (:func:`senders`), ``n_senders`` (distinct senders among the members whose
        sender is known), ``n_senders_unknown`` (members whose sender is not known) and ``one_sender`` (every member sent by the same one: a person or body
        repeating a text, not many people), else missing.

    Examples
    --------
    >>> letter = ("Dear councillors, I urge the council to keep the Riverside library open on Saturdays. "
    ...           "It is the only quiet place where students in our ward can revise, where older residents "
    ...           "use the computers to reach their GP and bank, and where families borrow books for free. "
    ...           "Closing it would save little and cost the town a great deal.")
    >>> t = pd.DataFrame({"comment_id": list("abcde"), "text": [
    ...     letter, letter.upper(), letter.replace("Riverside", "Hillside"),
    ...     letter + " My children study there every weekend.", "The bus timetable is wrong again."]})
    >>> members, campaigns = detect_campaigns(t)
    >>> members["campaign_id"].tolist()
    ['C1', 'C1', 'C1', 'C1', <NA>]
    >>> campaigns[["campaign_id", "size", "n_exact", "template_id"]].values.tolist()
    [['C1', 4, 2, 'a']]
    >>> members.loc[3, "addition"]
    'My children study there every weekend.'
    """
    params = _Params(shingle_size, threshold, min_campaign_size, min_words, num_perm, bands)
    params.check()
    n = len(comments)
    text = comments["text"].astype("string").reset_index(drop=True)
    times = (comments["created_at"] if "created_at" in comments.columns
             else pd.Series(pd.NaT, index=comments.index, dtype="datetime64[ns, UTC]")).reset_index(drop=True)
    frame = pd.DataFrame({"text": text.array,
                          "kind": comments["kind"].array if "kind" in comments.columns else "response"})
    if "is_placeholder" in comments.columns:
        frame["is_placeholder"] = comments["is_placeholder"].array
    matched = analysable(frame).to_numpy(dtype=bool, copy=True)
    del frame
    if matched.any():
        # placeholders are short: only short texts are tested (the patterns are slow on long ones)
        short = matched & (text.str.len().fillna(0).to_numpy() <= POINTER_MAX_CHARS)
        t = text[short]
        placeholder = (placeholder_mask(t) | classify_non_answers(t) | attachment_only(t)).to_numpy(dtype=bool)
        matched[np.flatnonzero(short)[placeholder]] = False

    # exact duplicates: the same raw text first (cheap), then the same normalised text
    raw_codes, raw_unique = pd.factorize(text[matched], sort=False)
    sig, n_sh, n_words, text_hash = minhash(pd.Series(raw_unique, dtype="string"), shingle_size=shingle_size,
                                            num_perm=num_perm, random_state=random_state)
    norm_of_raw, norm_hashes = pd.factorize(text_hash, sort=False)
    n_unique = len(norm_hashes)
    rep = np.full(n_unique, len(raw_unique), dtype=np.int64)  # a raw text standing for each normalised one
    np.minimum.at(rep, norm_of_raw, np.arange(len(raw_unique)))
    if n_unique < len(raw_unique):
        sig, n_sh, n_words = sig[rep], n_sh[rep], n_words[rep]
    u_words = n_words
    del raw_unique
    codes = np.full(n, -1, dtype=np.int64)
    codes[matched] = norm_of_raw[raw_codes]
    copies = np.bincount(codes[matched], minlength=n_unique)
    first_row = np.full(n_unique, n, dtype=np.int64)
    np.minimum.at(first_row, codes[matched], np.flatnonzero(matched))
    eligible = u_words >= min_words

    group, templates, sim = _group(sig, n_sh, copies.astype(np.float64), eligible,
                                   threshold=threshold, bands=bands, band_links=band_links)
    # a distinct eligible text with enough copies of its own is a group by itself
    alone = (group < 0) & eligible & (copies >= min_campaign_size)
    extra = np.flatnonzero(alone)
    group[extra] = len(templates) + np.arange(len(extra))
    templates = np.concatenate([templates, extra]).astype(np.int64)
    sim[extra] = 1.0

    # campaigns: groups with enough submissions; numbered by size, then first submission
    sizes = np.bincount(group[group >= 0], weights=copies[group >= 0], minlength=len(templates))
    first_seen = np.full(len(templates), n, dtype=np.int64)
    np.minimum.at(first_seen, group[group >= 0], first_row[group >= 0])
    is_campaign = sizes >= min_campaign_size
    order = np.lexsort((first_seen, -sizes))
    order = order[is_campaign[order]]
    label = np.full(len(templates), -1, dtype=np.int64)
    label[order] = np.arange(len(order))
    u_campaign = _take(label, group, -1)
    u_sim = np.where(u_campaign >= 0, sim, np.nan)

    # template texts (original wording of the template's first submission) and personal additions
    tmpl_unique = templates[order]
    tmpl_rows = first_row[tmpl_unique]
    in_campaign = np.flatnonzero((u_campaign >= 0) & ~np.isin(np.arange(n_unique), tmpl_unique))
    additions = pd.Series([""] * n_unique, dtype="string")
    addition_words = np.zeros(n_unique, dtype=np.int64)
    if len(in_campaign):
        add, words = _personal_additions(text.iloc[first_row[in_campaign]].reset_index(drop=True),
                                         u_campaign[in_campaign], text.iloc[tmpl_rows].reset_index(drop=True),
                                         shingle_size=shingle_size)
        additions.iloc[in_campaign] = add.to_numpy()
        addition_words[in_campaign] = words

    ids = np.array([f"C{k + 1}" for k in range(len(order))], dtype=object)
    row_u = codes
    row_campaign = _take(u_campaign, row_u, -1)
    in_row = row_campaign >= 0
    members = pd.DataFrame({
        "comment_id": comments["comment_id"].astype("string").to_numpy(),
        "matched": matched,
        "duplicate_group": pd.array(np.where(row_u >= 0, row_u, -1), dtype="Int64"),
        "n_copies": pd.array(_take(copies, row_u, 0), dtype="Int64"),
        "campaign_id": pd.array(_take(ids, row_campaign, None), dtype="string"),
        "similarity": _take(u_sim, row_u, np.nan, where=in_row).astype(float).round(3),
        "is_template": np.isin(np.arange(n), tmpl_rows),
        "addition": pd.array(_take(additions.to_numpy(dtype=object), row_u, None, where=in_row),
                             dtype="string"),
        "addition_words": pd.array(_take(addition_words, row_u, 0, where=in_row),
                                   dtype="Int64"),
    })
    members.loc[members["duplicate_group"] < 0, "duplicate_group"] = pd.NA

    n_matched = int(matched.sum())
    n_responses = _n_responses(comments)
    resolution = time_resolution(times[matched])
    bursts = _bursts(members["campaign_id"], times, resolution)
    in_c = members.dropna(subset=["campaign_id"])
    per = in_c.assign(has_addition=in_c["addition_words"] > 0).groupby("campaign_id")
    stats = pd.DataFrame({"size": per.size(), "n_variants": per["duplicate_group"].nunique(),
                          "n_with_additions": per["has_addition"].sum(),
                          "min_similarity": per["similarity"].min()}).reindex(ids)
    campaigns = pd.DataFrame({"campaign_id": pd.array(ids, dtype="string")})
    campaigns["size"] = stats["size"].to_numpy(dtype=np.int64)
    campaigns["share"] = campaigns["size"] / max(1, n_responses)
    campaigns["n_variants"] = stats["n_variants"].to_numpy(dtype=np.int64)
    campaigns["n_exact"] = copies[tmpl_unique].astype(np.int64)
    campaigns["n_with_additions"] = stats["n_with_additions"].to_numpy(dtype=np.int64)
    campaigns["min_similarity"] = stats["min_similarity"].to_numpy(dtype=float)
    campaigns["template_id"] = pd.array(members["comment_id"].to_numpy()[tmpl_rows], dtype="string")
    campaigns["template_text"] = pd.array(text.to_numpy()[tmpl_rows], dtype="string")
    campaigns["request"] = pd.array([request_sentence(t) for t in campaigns["template_text"]], dtype="string")
    campaigns = campaigns.join(bursts, on="campaign_id")
    sender = senders(comments)
    if sender is None:
        campaigns["n_senders"] = pd.array([pd.NA] * len(ids), dtype="Int64")
        campaigns["n_senders_unknown"] = pd.array([pd.NA] * len(ids), dtype="Int64")
        campaigns["one_sender"] = pd.array([pd.NA] * len(ids), dtype="boolean")
    else:
        by = pd.DataFrame({"campaign_id": members["campaign_id"].to_numpy(), "sender": sender.to_numpy()})
        by = by.dropna(subset=["campaign_id"]).groupby("campaign_id")["sender"]
        counted = by.count().reindex(ids)
        # missing, not a count, when fewer than half the members' senders are known (a 218-copy letter
        # with 3 signed by an organisation is not "1 sender")
        known = by.nunique().reindex(ids).where(counted >= 0.5 * stats["size"])
        campaigns["n_senders"] = pd.array(known.to_numpy(), dtype="Int64")
        campaigns["n_senders_unknown"] = pd.array((stats["size"] - counted.fillna(0)).to_numpy(), dtype="Int64")
        campaigns["one_sender"] = pd.array((known.eq(1) & counted.eq(stats["size"])).to_numpy(), dtype="boolean")
    campaigns.attrs.update({"n_compared": n_matched, "time_resolution": resolution,
                            "parameters": {**params.__dict__, "random_state": random_state}})
    return members, campaigns


def senders(comments: pd.DataFrame) -> pd.Series | None:
    """Who sent each comment, when the table says: ``respondent_id`` if any row has one, else each
    row's ``author``, or its ``organisation`` where it names no author (regulations.gov: IJIS
    Institute sending one letter three times, without a person's name); generic labels ("Anonymous",
    "guest", "admin") count as unknown. None when no column records anyone.

    Examples
    --------
    >>> senders(pd.DataFrame({"author": ["Ann", "Anonymous", None]})).tolist()
    ['Ann', <NA>, <NA>]
    >>> senders(pd.DataFrame({"author": ["Ann"], "respondent_id": ["r1"]})).tolist()
    ['r1']
    >>> senders(pd.DataFrame({"text": ["x"]})) is None
    True
    >>> senders(pd.DataFrame({"author": ["Ann", None, None], "organisation": ["IJIS", "IJIS", None]})).tolist()
    ['Ann', 'organisation IJIS', <NA>]
    """

    def known(column: str) -> pd.Series | None:
        if column not in comments.columns:
            return None
        who = comments[column].astype("string").str.strip()
        return who.mask(who.str.lower().isin(GENERIC_AUTHORS).fillna(False) | who.eq("")).reset_index(drop=True)

    ids = known("respondent_id")
    if ids is not None and ids.notna().any():
        return ids
    author, organisation = known("author"), known("organisation")
    if organisation is not None:  # marked, so an organisation never shares a sender with a person of its name
        organisation = "organisation " + organisation
    who = author if organisation is None else organisation if author is None else author.fillna(organisation)
    return who if who is not None and who.notna().any() else None


def _distinct_texts(members: pd.DataFrame) -> int:
    """Distinct texts among some rows of :func:`detect_campaigns`'s table: one per duplicate group, and each
    row without one."""
    groups = members["duplicate_group"]
    return int(groups.dropna().nunique() + groups.isna().sum())


def campaign_counts(comments: pd.DataFrame, members: pd.DataFrame, campaigns: pd.DataFrame) -> dict:
    """The figures the briefing states: responses, how many came from campaigns, and how many
    distinct pieces of content they amount to.

    Returns a dict of plain numbers: ``n_responses`` (rows of a response kind: comments, replies,
    consultation responses, petitions; placeholders included), ``n_compared`` (rows with text that were
    compared), ``n_in_campaigns``, ``share_in_campaigns`` (of ``n_responses``), ``n_campaigns``,
    ``largest`` (size of the largest campaign, or 0), ``n_exact_duplicates`` (compared rows
    repeating an earlier row's normalised text, in campaigns or not), and ``n_distinct_content``
    (the distinct texts outside campaigns, copies of one text word for word counted once, plus one per
    campaign: the units of :func:`content_units` other than personal additions).

    Examples
    --------
    >>> t = pd.DataFrame({"kind": ["post"] + ["comment"] * 6})
    >>> m = pd.DataFrame({"matched": [False, True, True, True, True, True, True],
    ...                   "campaign_id": [None, "C1", "C1", "C1", None, None, None],
    ...                   "duplicate_group": [None, 0, 0, 1, 2, 3, 3]})
    >>> c = pd.DataFrame({"campaign_id": ["C1"], "size": [3]})
    >>> counts = campaign_counts(t, m, c)
    >>> counts["n_responses"], counts["share_in_campaigns"], counts["n_distinct_content"], counts["n_exact_duplicates"]
    (6, 0.5, 3, 2)
    """
    n_responses = _n_responses(comments)
    matched = members[members["matched"].astype(bool)]
    n = int(len(matched))
    in_c = int(matched["campaign_id"].notna().sum())
    groups = matched["duplicate_group"].dropna()
    return {
        "n_responses": n_responses,
        "n_compared": n,
        "n_in_campaigns": in_c,
        "share_in_campaigns": in_c / n_responses if n_responses else 0.0,
        "n_campaigns": int(len(campaigns)),
        "largest": int(campaigns["size"].max()) if len(campaigns) else 0,
        "n_exact_duplicates": int(len(groups) - groups.nunique()),
        "n_distinct_content": _distinct_texts(matched[matched["campaign_id"].isna()]) + int(len(campaigns)),
    }


def sensitivity(comments: pd.DataFrame, *, thresholds: tuple[float, ...] = (0.4, 0.5, 0.6, 0.7),
                shingle_sizes: tuple[int, ...] = (2, 3, 4, 5), **options) -> pd.DataFrame:
    """How the campaigns found change with the threshold and the shingle size (others as given).

    One row per (shingle_size, threshold): the number of campaigns, the responses in them, and the
    size of the largest. Runs the detection once per row; the MinHash signatures, which depend on
    the shingle size but not on the threshold, are computed once per shingle size.

    Examples
    --------
    >>> t = pd.DataFrame({"comment_id": ["a", "b"], "text": ["Short.", "Also short."]})
    >>> sensitivity(t, thresholds=(0.5,), shingle_sizes=(3,))["n_campaigns"].tolist()
    [0]
    """
    rows = []
    memo: dict = {}

    def minhash(texts, **params):  # every detection here reads the same texts: only the parameters vary
        key = tuple(sorted(params.items()))
        if key not in memo:
            memo.clear()  # the thresholds of one shingle size run one after another
            memo[key] = minhash_signatures(texts, **params)
        return memo[key]

    for k in shingle_sizes:
        for th in thresholds:
            members, table = detect_campaigns(comments, **{**options, "shingle_size": k, "threshold": th},
                                              minhash=minhash)
            rows.append({"shingle_size": k, "threshold": th, "n_campaigns": len(table),
                         "n_in_campaigns": int(members["campaign_id"].notna().sum()),
                         "largest": int(table["size"].max()) if len(table) else 0})
    return pd.DataFrame(rows)


#: Personal additions shorter than this many words ("Thanks", a name) are not analysed as texts.
MIN_ADDITION_WORDS = 5


def summary_sentence(notes: dict, table: pd.DataFrame) -> str:
    """What the campaigns stage found, in the words the briefing uses: organised campaigns apart from
    texts repeated by a single sender (``table["one_sender"]``), which the briefing does not count as
    campaigns (an audit found 03_campaigns saying "4 campaign(s)" beside the briefing's 2).

    Examples
    --------
    >>> notes = {"n_responses": 646, "n_compared": 506, "n_in_campaigns": 234, "share_in_campaigns": 0.362,
    ...          "n_distinct_content": 276, "n_exact_duplicates": 40, "time_resolution": "day"}
    >>> table = pd.DataFrame({"size": [225, 3, 3, 3], "one_sender": [False, False, True, True]})
    >>> summary_sentence(notes, table)
    '646 responses, 506 with text compared: 234 (36.2%) in 2 organised campaigns (228 responses) and 2 texts each sent several times by a single sender (6 responses). Counting each campaign once, 276 distinct pieces of content. 40 responses repeat an earlier one word for word. Timestamps to the day.'
    """
    one = table["one_sender"].fillna(False).astype(bool) if "one_sender" in table.columns else \
        pd.Series(False, index=table.index)
    organised, single = table[~one], table[one]

    def plural(n: int, word: str) -> str:
        return f"{n:,} {word}{'' if n == 1 else 's'}"

    found = f"{plural(len(organised), 'organised campaign')} ({plural(int(organised['size'].sum()), 'response')})"
    if len(single):
        found += (f" and {plural(len(single), 'text')} each sent several times by a single sender "
                  f"({plural(int(single['size'].sum()), 'response')})")
    text = (f"{notes['n_responses']:,} responses, {notes['n_compared']:,} with text compared: "
            + (f"{notes['n_in_campaigns']:,} ({notes['share_in_campaigns']:.1%}) in {found}. "
               if len(table) else "no organised campaigns. ")
            + f"Counting each campaign once, {notes['n_distinct_content']:,} distinct pieces of content. ")
    if notes.get("n_exact_duplicates"):
        n = int(notes["n_exact_duplicates"])
        text += f"{plural(n, 'response')} repeat{'s' if n == 1 else ''} an earlier one word for word. "
    resolution = notes.get("time_resolution", "none")
    return text + ("No timestamps." if resolution == "none" else f"Timestamps to the {resolution}.")


def content_units(comments: pd.DataFrame, members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """De-duplicated content: each campaign once, its members' personal additions as texts of their own,
    every other distinct text once (copies of a text sent word for word, too few for a campaign, are one
    unit: two identical responses are not two pieces of content).

    Parameters
    ----------
    comments : DataFrame
        The rows to analyse (``comment_id``, ``text``), e.g. :func:`helpers.stages.analysed_comments`.
    members : DataFrame
        :func:`detect_campaigns`'s per-comment table for (at least) these rows.

    Returns
    -------
    units : DataFrame
        ``unit_id`` (a comment id: the campaign's template, the member whose addition it is, or the
        response itself), ``text``, ``kind`` ("template", "addition" or "response"), ``campaign_id``
        and ``n_submissions`` (the submissions whose content the unit stands for).
    links : DataFrame
        ``comment_id`` -> ``unit_id``: every row of ``comments`` linked to the unit(s) standing for its
        content (a campaign member to its template and, when it has one, to its own addition).

    Examples
    --------
    >>> c = pd.DataFrame({"comment_id": ["a", "b", "c", "d", "e"],
    ...                   "text": ["Letter.", "Letter.", "Letter. And my own five more words.", "Other.", "Other."]})
    >>> m = pd.DataFrame({"comment_id": ["a", "b", "c", "d", "e"], "campaign_id": ["C1", "C1", "C1", None, None],
    ...                   "is_template": [True, False, False, False, False], "duplicate_group": [0, 0, 1, 2, 2],
    ...                   "addition": ["", "", "And my own five more words.", None, None],
    ...                   "addition_words": [0, 0, 6, 0, 0]})
    >>> units, links = content_units(c, m)
    >>> units[["unit_id", "kind", "n_submissions"]].values.tolist()
    [['a', 'template', 3], ['c', 'addition', 1], ['d', 'response', 2]]
    >>> links.values.tolist()
    [['a', 'a'], ['b', 'a'], ['c', 'a'], ['c', 'c'], ['d', 'd'], ['e', 'd']]
    """
    m = comments[["comment_id", "text"]].merge(
        members[["comment_id", "campaign_id", "is_template", "duplicate_group", "addition", "addition_words"]],
        on="comment_id", how="left", validate="one_to_one")
    m["order"] = np.arange(len(m))
    in_campaign = m["campaign_id"].notna().to_numpy()
    template_of = m[in_campaign & m["is_template"].fillna(False).to_numpy(dtype=bool)].set_index("campaign_id")
    # a campaign's template may not be among the rows given (e.g. not analysable): its first member stands in
    firsts = m[in_campaign].drop_duplicates("campaign_id").set_index("campaign_id")
    template_of = pd.concat([template_of, firsts[~firsts.index.isin(template_of.index)]])
    # outside campaigns, the copies of one text (one duplicate group) share its first copy's unit
    group = m["duplicate_group"].astype("object").where(m["duplicate_group"].notna(), "row " + m["comment_id"].astype(str))
    first_copy = m.loc[~in_campaign].assign(group=group[~in_campaign]).drop_duplicates("group").set_index("group")["comment_id"]
    base = pd.DataFrame({"comment_id": m["comment_id"], "order": m["order"],
                         "unit_id": np.where(in_campaign, m["campaign_id"].map(template_of["comment_id"]),
                                             group.map(first_copy)), "rank": 0})
    # one addition unit per distinct version (copies of the same edited letter share it); a stand-in
    # template's own text is already its campaign's unit
    has_addition = (in_campaign & (m["addition_words"].fillna(0).to_numpy() >= MIN_ADDITION_WORDS)
                    & ~m["comment_id"].isin(template_of["comment_id"]).to_numpy())
    version_unit = m[has_addition].drop_duplicates("duplicate_group").set_index("duplicate_group")["comment_id"]
    extra = pd.DataFrame({"comment_id": m.loc[has_addition, "comment_id"], "order": m.loc[has_addition, "order"],
                          "unit_id": m.loc[has_addition, "duplicate_group"].map(version_unit), "rank": 1})
    links = pd.concat([base, extra]).sort_values(["order", "rank"], kind="stable")
    n_sub = links.groupby("unit_id", sort=False).size()

    units_template = template_of.reset_index()[["comment_id", "text", "campaign_id"]].assign(kind="template")
    units_addition = m.loc[has_addition].drop_duplicates("duplicate_group")[["comment_id", "addition", "campaign_id"]].rename(
        columns={"addition": "text"}).assign(kind="addition")
    units_response = m.loc[~in_campaign & m["comment_id"].isin(first_copy).to_numpy(),
                           ["comment_id", "text", "campaign_id"]].assign(kind="response")
    units = pd.concat([units_template, units_addition, units_response]).rename(columns={"comment_id": "unit_id"})
    first_link = links.drop_duplicates("unit_id").set_index("unit_id")["order"]
    units = (units.assign(order=units["unit_id"].map(first_link),
                          rank=units["kind"].map({"template": 0, "response": 0, "addition": 1}))
             .sort_values(["order", "rank"], kind="stable"))
    units["n_submissions"] = units["unit_id"].map(n_sub).astype("int64")
    units = units[["unit_id", "text", "kind", "campaign_id", "n_submissions"]].reset_index(drop=True)
    units = units.astype({"unit_id": "string", "text": "string", "kind": "string", "campaign_id": "string"})
    links = links[["comment_id", "unit_id"]].reset_index(drop=True).astype("string")
    return units, links
