"""Who the demo leads are: accounts, person attributes, lead sources, merges and fit scores.

Everything is drawn per column for all leads at once; strings are assembled with Arrow
compute kernels from small vocabularies so a million leads cost seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.generator.config import (
    CHANNELS,
    COMPETITOR_DOMAINS,
    COUNTRIES,
    DAY,
    FIRST_NAMES,
    FIT_RULES,
    HOUR,
    INDUSTRIES,
    JOB_TITLES,
    LAST_NAMES,
    LEAD_SOURCES,
    NAME_ADJECTIVES,
    NAME_KINDS,
    NAME_NOUNS,
    PERSONAL_DOMAINS,
    PERSONAS,
    SENIORITIES,
)

EMAIL_TYPES = ("business", "personal", "competitor")
BUSINESS, PERSONAL, COMPETITOR = range(3)

# Lead-mix of channels; ai_referral grows over the period (see _channels).
CHANNEL_WEIGHTS = {
    "organic_content": 0.27,
    "paid_search": 0.22,
    "referral": 0.08,
    "webinar": 0.11,
    "event": 0.08,
    "outbound": 0.17,
    "ai_referral": 0.065,
    "other": 0.004,
}
SENIORITY_OF_TITLE = np.array([SENIORITIES.index(t[1]) for t in JOB_TITLES])
PERSONA_OF_TITLE = np.array([PERSONAS.index(t[2]) for t in JOB_TITLES])
# How a lead_source spelling is varied: (transformation, share).
SOURCE_VARIANTS = (("as_is", 0.6), ("lower", 0.14), ("upper", 0.08), ("pad", 0.1), ("rpad", 0.08))


@dataclass
class Accounts:
    name: pa.Array
    domain: pa.Array
    industry: np.ndarray
    employee_count: np.ndarray
    country: np.ndarray

    @property
    def n(self) -> int:
        return len(self.industry)


@dataclass
class People:
    """One entry per lead, in lead-id order (which is created_at order)."""

    created: np.ndarray  # int64 seconds, odd
    channel: np.ndarray
    source: np.ndarray  # index into lead_source_vocabulary()
    title: np.ndarray  # index into JOB_TITLES
    industry: np.ndarray  # index into INDUSTRIES
    employee_count: np.ndarray
    annual_revenue: np.ndarray  # NaN = unknown
    country: np.ndarray  # index into COUNTRIES
    email_type: np.ndarray
    account: np.ndarray  # -1 = none
    email: pa.Array
    company_name: pa.Array
    merged_into: np.ndarray  # -1 = not merged
    merged_at: np.ndarray  # -1 = not merged
    deleted_at: np.ndarray  # -1 = not deleted
    survivor: np.ndarray  # the lead a merge chain ends at (itself when not merged)
    fit: np.ndarray

    @property
    def n(self) -> int:
        return len(self.created)


def lead_source_vocabulary() -> list[tuple[str, int]]:
    """Every lead_source text the generator writes, with its channel code."""
    out = []
    for channel, (name, _lo, _hi) in enumerate(CHANNELS):
        for spelling, _share in LEAD_SOURCES[name]:
            for variant, _v in SOURCE_VARIANTS:
                out.append((_vary(spelling, variant), channel))
    return out


def _vary(text: str, variant: str) -> str:
    return {
        "as_is": text,
        "lower": text.lower(),
        "upper": text.upper(),
        "pad": f" {text} ",
        "rpad": f"{text}  ",
    }[variant]


def _pick(rng: np.random.Generator, weights: np.ndarray | list[float], size: int) -> np.ndarray:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _created_times(rng: np.random.Generator, n: int, start: int, end: int) -> np.ndarray:
    """Lead creation times: more leads later in the period and on weekdays, in office hours."""
    n_days = (end - start) // DAY + 1
    day = np.arange(n_days)
    weekday = (day + (start // DAY + 3) % 7) % 7  # 1970-01-01 was a Thursday (3)
    weights = (1.0 + 0.8 * day / n_days) * np.where(weekday >= 5, 0.35, 1.0)
    days = _pick(rng, weights, n)
    time_of_day = np.mod(rng.normal(14.5 * HOUR, 3.5 * HOUR, n), DAY).astype(np.int64)
    created = np.sort(start + days.astype(np.int64) * DAY + time_of_day) | 1
    return np.minimum(created, end - (end + 1) % 2)


def _channels(rng: np.random.Generator, created: np.ndarray, start: int, end: int) -> np.ndarray:
    names = [c[0] for c in CHANNELS]
    base = np.array([CHANNEL_WEIGHTS[c] for c in names])
    frac = (created - start) / max(end - start, 1)
    weights = np.tile(base, (len(created), 1))
    weights[:, names.index("ai_referral")] *= 0.4 + 1.2 * frac
    cumulative = np.cumsum(weights, axis=1)
    u = rng.random(len(created)) * cumulative[:, -1]
    return (u[:, None] > cumulative).sum(axis=1).astype(np.int8)


def _sources(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    n_variants = len(SOURCE_VARIANTS)
    source = np.empty(len(channel), dtype=np.int16)
    offset = 0
    for code, (name, _lo, _hi) in enumerate(CHANNELS):
        spellings = LEAD_SOURCES[name]
        mine = np.flatnonzero(channel == code)
        spelling = _pick(rng, [s[1] for s in spellings], len(mine))
        variant = _pick(rng, [v[1] for v in SOURCE_VARIANTS], len(mine))
        source[mine] = offset + spelling * n_variants + variant
        offset += len(spellings) * n_variants
    return source


def company_names(keys: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """(base name, domain stem) of company number ``keys``: distinct keys, distinct names."""
    n_a, n_n, n_k = len(NAME_ADJECTIVES), len(NAME_NOUNS), len(NAME_KINDS)
    space = n_a * n_n * n_k
    scrambled = (keys % space * 7919 + 104_729) % space  # a bijection: 7919 is coprime to space
    adj = pa.array(NAME_ADJECTIVES).take(pa.array(scrambled // (n_n * n_k)))
    noun = pa.array(NAME_NOUNS).take(pa.array(scrambled // n_k % n_n))
    kind = pa.array(NAME_KINDS).take(pa.array(scrambled % n_k))
    lap = keys // space
    number = pc.if_else(pa.array(lap > 0), pc.cast(pa.array(lap + 1), pa.string()), "")
    name = pc.utf8_trim_whitespace(pc.binary_join_element_wise(adj, noun, kind, number, " "))
    stem = pc.utf8_lower(pc.binary_join_element_wise(adj, noun, kind, number, ""))
    return name, stem


def _with_legal_suffix(
    name: pa.Array, country: np.ndarray, keys: np.ndarray, share: float
) -> pa.Array:
    suffix = pa.array([c[3] for c in COUNTRIES]).take(pa.array(country))
    has = (keys * 2_654_435_761 % 1000) < share * 1000  # fixed per company
    return pc.if_else(pa.array(has), pc.binary_join_element_wise(name, suffix, " "), name)


def _domains(stem: pa.Array, country: np.ndarray, keys: np.ndarray) -> pa.Array:
    tld = pa.array([c[2] for c in COUNTRIES]).take(pa.array(country))
    dot_io = pa.array(keys * 40_503 % 100 < 12)  # some tech companies use .io, fixed per company
    tld = pc.if_else(dot_io, ".io", tld)
    return pc.binary_join_element_wise(stem, tld, "")


def make_accounts(rng: np.random.Generator, n_accounts: int) -> Accounts:
    keys = np.arange(n_accounts, dtype=np.int64)
    country = _pick(rng, [c[1] for c in COUNTRIES], n_accounts)
    name, stem = company_names(keys)
    return Accounts(
        name=_with_legal_suffix(name, country, keys, 0.5),
        domain=_domains(stem, country, keys),
        industry=_pick(rng, [i[2] for i in INDUSTRIES], n_accounts),
        employee_count=_employee_counts(rng, n_accounts),
        country=country,
    )


def _employee_counts(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.clip(np.round(rng.lognormal(np.log(260), 1.5, n)), 1, 250_000).astype(np.int64)


def account_count(n_leads: int) -> int:
    """How many accounts make_people makes for ``n_leads`` leads."""
    return max(20, n_leads // 6)


def make_people(rng: np.random.Generator, n: int, start: int, end: int) -> tuple[People, Accounts]:
    """Leads with accounts, in created_at order, including merged duplicates and deletions."""
    created = _created_times(rng, n, start, end)
    channel = _channels(rng, created, start, end)
    source = _sources(rng, channel)
    title = _pick(rng, [t[3] for t in JOB_TITLES], n)
    is_student = SENIORITY_OF_TITLE[title] == SENIORITIES.index("student")
    email_type = _pick(rng, [0.78, 0.217, 0.003], n)
    email_type[is_student & (rng.random(n) < 0.8)] = PERSONAL

    accounts = make_accounts(rng, account_count(n))
    has_account = (email_type == BUSINESS) | ((email_type == PERSONAL) & (rng.random(n) < 0.5))
    has_account &= ~is_student
    popularity = rng.gamma(0.7, 1.0, accounts.n)
    account = np.where(has_account, _pick(rng, popularity, n), -1)

    own_country = _pick(rng, [c[1] for c in COUNTRIES], n)
    own_industry = _pick(rng, [i[2] for i in INDUSTRIES], n)
    own_size = np.where(
        is_student, rng.integers(1, 40, n), _employee_counts(rng, n) // 4 + 1
    ).astype(np.int64)
    with_account = account >= 0
    safe_account = np.maximum(account, 0)
    country = np.where(with_account, accounts.country[safe_account], own_country)
    industry = np.where(with_account, accounts.industry[safe_account], own_industry)
    employee_count = np.where(with_account, accounts.employee_count[safe_account], own_size)
    revenue = employee_count * np.round(rng.lognormal(np.log(180_000), 0.5, n), -3)
    revenue[rng.random(n) < 0.15] = np.nan

    # Company of each lead: its account, else a company of its own (keys after the accounts).
    company = np.where(with_account, account, accounts.n + np.arange(n))
    person = np.stack(
        [
            rng.integers(0, len(FIRST_NAMES), n),
            rng.integers(0, len(LAST_NAMES), n),
            _pick(rng, [0.5, 0.2, 0.1, 0.1, 0.1], n),  # local-part pattern
        ]
    )
    personal_domain = _pick(rng, [d[1] for d in PERSONAL_DOMAINS], n)
    competitor = rng.integers(0, len(COMPETITOR_DOMAINS), n)

    merged_into, merged_at, survivor = _merges(rng, created, end)
    dup = merged_into >= 0
    # A duplicate is the same person entered again: copy who they are from the original.
    # The second pass reaches the end of two-hop chains (A copies B, which copied C).
    for _ in range(2):
        for column in (
            title,
            email_type,
            account,
            country,
            industry,
            employee_count,
            revenue,
            company,
            personal_domain,
            competitor,
        ):
            column[dup] = column[merged_into[dup]]
        person[:, dup] = person[:, merged_into[dup]]

    deleted_at = _deletions(rng, created, end, merged_into)
    email, company_name = _emails_and_companies(
        rng, accounts, person, email_type, company, country, personal_domain, competitor
    )
    people = People(
        created=created,
        channel=channel,
        source=source,
        title=title,
        industry=industry,
        employee_count=employee_count,
        annual_revenue=revenue,
        country=country,
        email_type=email_type,
        account=account,
        email=email,
        company_name=company_name,
        merged_into=merged_into,
        merged_at=merged_at,
        deleted_at=deleted_at,
        survivor=survivor,
        fit=np.zeros(n),
    )
    people.fit = fit_scores(people)
    return people, accounts


def _merges(
    rng: np.random.Generator, created: np.ndarray, end: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """About 2% of leads are later duplicates of an earlier lead and merged into it; a tenth of
    those point at a duplicate that was itself merged (a two-hop chain A -> B -> C)."""
    n = len(created)
    merged_into = np.full(n, -1, dtype=np.int64)
    merged_at = np.full(n, -1, dtype=np.int64)
    n_dup = int(0.02 * n) if n >= 100 else 0
    if n_dup == 0:
        return merged_into, merged_at, np.arange(n)
    dups = np.sort(rng.choice(np.arange(n // 10, n), size=n_dup, replace=False))
    is_dup = np.zeros(n, dtype=bool)
    is_dup[dups] = True
    originals = np.flatnonzero(~is_dup)
    chain = rng.random(n_dup) < 0.1
    chain[0] = False
    plain = dups[~chain]
    # plain duplicate -> a random earlier original
    below = np.searchsorted(originals, dups)
    merged_into[dups] = originals[(rng.random(n_dup) * below).astype(np.int64)]
    # chain duplicate -> a random earlier plain duplicate
    chain_dups = dups[chain]
    below_plain = np.searchsorted(plain, chain_dups)
    ok = below_plain > 0
    pick = (rng.random(len(chain_dups)) * below_plain).astype(np.int64)
    merged_into[chain_dups[ok]] = plain[pick[ok]]
    when = created[dups] + rng.integers(HOUR, 60 * DAY, n_dup)
    merged_at[dups] = when | 1
    late = merged_at > end
    merged_into[late] = -1
    merged_at[late] = -1
    survivor = np.arange(n)
    for _ in range(3):
        merged = merged_into[survivor] >= 0
        survivor = np.where(merged, merged_into[survivor], survivor)
    return merged_into, merged_at, survivor


def _deletions(
    rng: np.random.Generator, created: np.ndarray, end: int, merged_into: np.ndarray
) -> np.ndarray:
    """A few leads are soft-deleted; never a duplicate or a merge target."""
    n = len(created)
    involved = merged_into >= 0
    involved[merged_into[merged_into >= 0]] = True
    deleted = (rng.random(n) < 0.003) & ~involved
    deleted_at = np.where(deleted, created + rng.integers(DAY, 200 * DAY, n), -1) | 1
    deleted_at[(deleted_at > end) | ~deleted] = -1
    return deleted_at


def _emails_and_companies(
    rng: np.random.Generator,
    accounts: Accounts,
    person: np.ndarray,
    email_type: np.ndarray,
    company: np.ndarray,
    country: np.ndarray,
    personal_domain: np.ndarray,
    competitor: np.ndarray,
) -> tuple[pa.Array, pa.Array]:
    n = len(email_type)
    with_account = company < accounts.n
    base_name, stem = company_names(company)
    own_name = _with_legal_suffix(base_name, country, company, 0.4)
    account_name = accounts.name.take(pa.array(np.where(with_account, company, 0)))
    # Leads of an account mostly spell its name exactly; some drop the legal suffix.
    loose = pa.array(rng.random(n) < 0.1)
    account_name = pc.if_else(loose, base_name, account_name)
    company_name = pc.if_else(pa.array(with_account), account_name, own_name)
    competitor_name = pa.array([c[1] for c in COMPETITOR_DOMAINS]).take(pa.array(competitor))
    company_name = pc.if_else(pa.array(email_type == COMPETITOR), competitor_name, company_name)

    account_domain = accounts.domain.take(pa.array(np.where(with_account, company, 0)))
    own_domain = _domains(stem, country, company)
    domain = pc.if_else(pa.array(with_account), account_domain, own_domain)
    personal = pa.array([d[0] for d in PERSONAL_DOMAINS]).take(pa.array(personal_domain))
    domain = pc.if_else(pa.array(email_type == PERSONAL), personal, domain)
    rival = pa.array([c[0] for c in COMPETITOR_DOMAINS]).take(pa.array(competitor))
    domain = pc.if_else(pa.array(email_type == COMPETITOR), rival, domain)

    first = pc.utf8_lower(pa.array(FIRST_NAMES).take(pa.array(person[0])))
    last = pc.replace_substring_regex(
        pc.utf8_lower(pa.array(LAST_NAMES).take(pa.array(person[1]))), "[^a-z]", ""
    )
    initial_first = pc.utf8_slice_codeunits(first, 0, 1)
    initial_last = pc.utf8_slice_codeunits(last, 0, 1)
    pattern = person[2]
    local = pc.binary_join_element_wise(first, last, ".")  # pattern 0: jane.doe
    variants = (
        pc.binary_join_element_wise(initial_first, last, ""),  # jdoe
        first,  # jane
        pc.binary_join_element_wise(first, last, "_"),  # jane_doe
        pc.binary_join_element_wise(first, initial_last, ""),  # janed
    )
    for code, variant in enumerate(variants, start=1):
        local = pc.if_else(pa.array(pattern == code), variant, local)
    # Mixed case as people type it: 'Jane.Doe@Acme.com', 'JDOE@ACME.COM'.
    case = _pick(rng, [0.62, 0.3, 0.05, 0.03], n)
    email = pc.binary_join_element_wise(local, domain, "@")
    email = pc.if_else(pa.array(case == 1), pc.utf8_title(email), email)
    email = pc.if_else(pa.array(case == 2), pc.utf8_upper(email), email)
    email = pc.if_else(
        pa.array(case == 3), pc.binary_join_element_wise(pc.utf8_title(local), domain, "@"), email
    )
    return email, company_name


def fit_scores(people: People) -> np.ndarray:
    """Fit score per lead under the default fit rules (mirror of seeds/scoring/fit_rules.csv)."""
    categorical = {
        "seniority": (SENIORITY_OF_TITLE[people.title], SENIORITIES),
        "persona": (PERSONA_OF_TITLE[people.title], PERSONAS),
        "industry": (people.industry, tuple(i[1] for i in INDUSTRIES)),
        "country": (people.country, tuple(c[0] for c in COUNTRIES)),
        "email_domain_type": (people.email_type, EMAIL_TYPES),
    }
    total = np.zeros(people.n)
    for _rule, attribute, operator, values, lo, hi, points in FIT_RULES:
        if operator == "between":
            x = people.employee_count
            match = (x >= lo) & (x <= hi)
        else:
            codes, vocabulary = categorical[attribute]
            match = np.isin(np.array(vocabulary), values)[codes]
            if operator == "not_in":
                match = ~match
        total += np.where(match, points, 0.0)
    return np.clip(total, 0.0, 100.0)
