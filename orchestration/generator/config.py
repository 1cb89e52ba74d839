"""Fixed vocabularies and the default scoring configuration the demo-data generator designs for.

The scoring numbers mirror ``seeds/scoring/*.csv`` and the channel tables mirror
``seeds/reference/*.csv`` (tests/generator/test_generator.py fails when they drift apart). They
are copied rather than read at run time on purpose: the demo data is a fixed fixture, so editing
a seed must change the *outcome* of the scoring, not the data it is scored on.
"""

from __future__ import annotations

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60

# --- Scoring (mirror of seeds/scoring) -------------------------------------------------------

HALF_LIFE_DAYS = 30.0
FIT_WEIGHT = 0.5
ENGAGEMENT_WEIGHT = 0.5

# (category, min_total, max_total)
CATEGORIES: tuple[tuple[str, float, float], ...] = (
    ("web", 0, 20),
    ("content", 0, 30),
    ("email", 0, 15),
    ("event", 0, 30),
    ("intent", 0, 60),
    ("negative", -50, 0),
    ("sales", 0, 0),
)

# (activity_type, category, points, is_high_intent, is_sales_touch); the position is the code.
ACTIVITY_TYPES: tuple[tuple[str, str, float, bool, bool], ...] = (
    ("page_view", "web", 5, False, False),
    ("pricing_page_view", "intent", 25, True, False),
    ("form_submit", "web", 10, False, False),
    ("content_download", "content", 10, False, False),
    ("case_study_download", "content", 15, False, False),
    ("webinar_registered", "event", 5, False, False),
    ("webinar_attended", "event", 15, False, False),
    ("event_attended", "event", 20, False, False),
    ("email_open", "email", 1, False, False),
    ("email_click", "email", 3, False, False),
    ("email_reply", "email", 10, False, False),
    ("demo_request", "intent", 40, True, False),
    ("trial_signup", "intent", 35, True, False),
    ("consultation_request", "intent", 40, True, False),
    ("unsubscribe", "negative", -20, False, False),
    ("email_bounce", "negative", -10, False, False),
    ("sales_call", "sales", 0, False, True),
    ("sales_email", "sales", 0, False, True),
    ("meeting_held", "sales", 0, False, True),
)
ACT = {name: code for code, (name, *_rest) in enumerate(ACTIVITY_TYPES)}
ACT_NAMES = np.array([a[0] for a in ACTIVITY_TYPES], dtype=object)
ACT_CATEGORY = np.array([[c[0] for c in CATEGORIES].index(a[1]) for a in ACTIVITY_TYPES])
ACT_POINTS = np.array([a[2] for a in ACTIVITY_TYPES], dtype=np.float64)
ACT_HIGH_INTENT = np.array([a[3] for a in ACTIVITY_TYPES])

# (version, effective_from, effective_to or None, score_threshold, min_fit, window_days)
MQL_DEFINITIONS: tuple[tuple[str, str, str | None, float, float, float], ...] = (
    ("v1", "2020-01-01 00:00:00", "2025-07-01 00:00:00", 70, 40, 30),
    ("v2", "2025-07-01 00:00:00", None, 65, 40, 30),
)

# (rule_id, attribute, operator, match_values, range_min, range_max, points)
FIT_RULES: tuple[tuple[str, str, str, tuple[str, ...], float | None, float | None, float], ...] = (
    ("seniority_exec", "seniority", "in", ("c_level", "vp"), None, None, 25),
    ("seniority_director", "seniority", "in", ("director",), None, None, 20),
    ("seniority_manager", "seniority", "in", ("manager",), None, None, 10),
    ("seniority_student", "seniority", "in", ("student",), None, None, -40),
    ("persona_core", "persona", "in", ("marketing", "revops"), None, None, 20),
    ("persona_sales", "persona", "in", ("sales",), None, None, 15),
    ("persona_adjacent", "persona", "in", ("it", "finance", "executive"), None, None, 5),
    ("size_core", "employee_count", "between", (), 200, 5000, 20),
    ("size_small", "employee_count", "between", (), 50, 199, 10),
    ("size_enterprise", "employee_count", "between", (), 5001, 100000000, 10),
    ("size_micro", "employee_count", "between", (), 0, 9, -10),
    (
        "industry_target",
        "industry",
        "in",
        ("software", "financial_services", "healthcare", "manufacturing", "professional_services"),
        None,
        None,
        15,
    ),
    (
        "country_served",
        "country",
        "in",
        ("US", "CA", "GB", "IE", "DE", "FR", "NL", "SE", "DK", "AU", "NZ"),
        None,
        None,
        10,
    ),
    (
        "country_unserved",
        "country",
        "not_in",
        ("US", "CA", "GB", "IE", "DE", "FR", "NL", "SE", "DK", "AU", "NZ"),
        None,
        None,
        -30,
    ),
    ("email_personal", "email_domain_type", "in", ("personal",), None, None, -20),
    ("email_competitor", "email_domain_type", "in", ("competitor",), None, None, -100),
)

# --- Reference data (mirror of seeds/reference) ----------------------------------------------

# (channel, mql_to_sql_low, mql_to_sql_high); the position is the channel code.
CHANNELS: tuple[tuple[str, float, float], ...] = (
    ("organic_content", 0.15, 0.30),
    ("paid_search", 0.20, 0.40),
    ("referral", 0.30, 0.50),
    ("webinar", 0.25, 0.40),
    ("event", 0.30, 0.50),
    ("outbound", 0.05, 0.15),
    ("ai_referral", 0.20, 0.45),
    ("other", 0.05, 0.50),
)
CH = {name: code for code, (name, _lo, _hi) in enumerate(CHANNELS)}

# Lead-source spellings as a CRM shows them, per channel, with their share inside the channel.
# Lower-cased, each is a lead_source of seeds/reference/channel_mapping.csv, except the 'other'
# ones, which the mapping deliberately lacks.
LEAD_SOURCES: dict[str, tuple[tuple[str, float], ...]] = {
    "organic_content": (
        ("Organic Search", 0.35),
        ("Organic", 0.1),
        ("SEO", 0.15),
        ("Content Download", 0.15),
        ("Blog", 0.1),
        ("Website", 0.1),
        ("Web", 0.05),
    ),
    "paid_search": (
        ("Google Ads", 0.5),
        ("google_cpc", 0.12),
        ("Paid Search", 0.1),
        ("Bing Ads", 0.1),
        ("PPC", 0.1),
        ("AdWords", 0.08),
    ),
    "referral": (
        ("Referral", 0.35),
        ("Customer Referral", 0.3),
        ("Word of Mouth", 0.15),
        ("Partner Referral", 0.2),
    ),
    "webinar": (
        ("Webinar", 0.4),
        ("ON24 Webinar", 0.25),
        ("Zoom Webinar", 0.25),
        ("Webinar - Q3", 0.1),
    ),
    "event": (("Trade Show", 0.35), ("Event", 0.2), ("Conference", 0.3), ("Field Event", 0.15)),
    "outbound": (
        ("Cold Outbound", 0.25),
        ("Purchased List", 0.15),
        ("Outbound", 0.25),
        ("SDR Prospecting", 0.2),
        ("List Import", 0.15),
    ),
    "ai_referral": (
        ("ChatGPT", 0.45),
        ("Perplexity", 0.2),
        ("AI Assistant", 0.1),
        ("chat.openai.com", 0.1),
        ("Claude", 0.1),
        ("Gemini", 0.05),
    ),
    "other": (("Facebook", 0.3), ("Podcast", 0.3), ("TikTok", 0.2), ("Unknown", 0.2)),
}

PERSONAL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("gmail.com", 0.45),
    ("googlemail.com", 0.03),
    ("yahoo.com", 0.12),
    ("hotmail.com", 0.1),
    ("outlook.com", 0.12),
    ("icloud.com", 0.08),
    ("aol.com", 0.03),
    ("proton.me", 0.03),
    ("gmx.de", 0.04),
)
COMPETITOR_DOMAINS: tuple[tuple[str, str], ...] = (
    ("rivalfunnel.com", "RivalFunnel"),
    ("leadscorer.io", "LeadScorer"),
)

# --- Who the leads are -----------------------------------------------------------------------

SENIORITIES = ("c_level", "vp", "director", "manager", "individual", "student")
PERSONAS = ("marketing", "sales", "revops", "it", "finance", "executive", "other")

# (job title, seniority, persona, weight). Seniority and persona are what the title rules in
# macros/job_title.sql make of the title (tests/generator/test_generator.py re-derives them).
JOB_TITLES: tuple[tuple[str, str, str, float], ...] = (
    ("CEO & Founder", "c_level", "executive", 1.2),
    ("Founder", "c_level", "executive", 0.6),
    ("Owner", "c_level", "executive", 0.5),
    ("President", "c_level", "executive", 0.3),
    ("Chief Marketing Officer", "c_level", "marketing", 0.8),
    ("CMO", "c_level", "marketing", 0.6),
    ("Chief Revenue Officer", "c_level", "other", 0.4),
    ("CFO", "c_level", "finance", 0.3),
    ("CTO", "c_level", "it", 0.5),
    ("COO", "c_level", "executive", 0.3),
    ("VP of Marketing", "vp", "marketing", 2.2),
    ("SVP Marketing", "vp", "marketing", 0.4),
    ("Vice President, Demand Generation", "vp", "marketing", 0.8),
    ("VP Sales", "vp", "sales", 1.5),
    ("VP Revenue Operations", "vp", "revops", 0.6),
    ("VP Engineering", "vp", "it", 0.8),
    ("VP Finance", "vp", "finance", 0.4),
    ("Director, Demand Generation", "director", "marketing", 2.2),
    ("Marketing Director", "director", "marketing", 2.0),
    ("Head of Growth", "director", "marketing", 1.0),
    ("Director of Sales", "director", "sales", 1.6),
    ("Head of Revenue Operations", "director", "revops", 1.0),
    ("Director of Sales Operations", "director", "revops", 0.6),
    ("IT Director", "director", "it", 1.0),
    ("Director of Finance", "director", "finance", 0.5),
    ("Managing Director", "director", "executive", 0.6),
    ("Marketing Manager", "manager", "marketing", 4.0),
    ("Marketing Ops Manager", "manager", "revops", 1.5),
    ("Demand Generation Manager", "manager", "marketing", 2.0),
    ("Content Marketing Manager", "manager", "marketing", 1.5),
    ("Sales Manager", "manager", "sales", 2.2),
    ("Revenue Operations Manager", "manager", "revops", 1.2),
    ("IT Manager", "manager", "it", 1.5),
    ("Finance Manager", "manager", "finance", 0.8),
    ("Product Manager", "manager", "other", 1.5),
    ("Team Lead, Customer Success", "manager", "other", 0.8),
    ("Software Engineer", "individual", "it", 4.0),
    ("Account Executive", "individual", "sales", 3.0),
    ("Sales Development Representative", "individual", "sales", 2.0),
    ("Marketing Specialist", "individual", "marketing", 3.0),
    ("Marketing Coordinator", "individual", "marketing", 2.0),
    ("Data Analyst", "individual", "other", 2.0),
    ("Financial Analyst", "individual", "finance", 1.0),
    ("Consultant", "individual", "other", 2.0),
    ("Product Owner", "individual", "other", 0.8),
    ("Accountant", "individual", "other", 0.8),
    ("Student", "student", "other", 1.6),
    ("MBA Student", "student", "other", 0.6),
    ("Graduate Student", "student", "other", 0.5),
    ("Marketing Intern", "student", "marketing", 0.5),
)

# (industry as the CRM writes it, snake_case form the fit rules use, weight)
INDUSTRIES: tuple[tuple[str, str, float], ...] = (
    ("Software", "software", 0.26),
    ("Financial Services", "financial_services", 0.12),
    ("Healthcare", "healthcare", 0.1),
    ("Manufacturing", "manufacturing", 0.1),
    ("Professional Services", "professional_services", 0.1),
    ("Retail", "retail", 0.09),
    ("Education", "education", 0.08),
    ("Government", "government", 0.05),
    ("Media", "media", 0.1),
)

# (ISO-2 country, weight, web domain suffix, company-name suffix)
COUNTRIES: tuple[tuple[str, float, str, str], ...] = (
    ("US", 0.44, ".com", "Inc."),
    ("GB", 0.1, ".co.uk", "Ltd"),
    ("CA", 0.06, ".ca", "Inc."),
    ("DE", 0.07, ".de", "GmbH"),
    ("FR", 0.04, ".fr", "SAS"),
    ("NL", 0.03, ".nl", "B.V."),
    ("SE", 0.02, ".se", "AB"),
    ("DK", 0.01, ".dk", "ApS"),
    ("IE", 0.02, ".ie", "Ltd"),
    ("AU", 0.04, ".com.au", "Pty Ltd"),
    ("NZ", 0.01, ".co.nz", "Ltd"),
    ("IN", 0.05, ".in", "Pvt Ltd"),
    ("BR", 0.03, ".com.br", "Ltda"),
    ("MX", 0.02, ".mx", "S.A."),
    ("ES", 0.02, ".es", "S.L."),
    ("IT", 0.02, ".it", "S.r.l."),
    ("SG", 0.01, ".sg", "Pte Ltd"),
    ("JP", 0.01, ".jp", "K.K."),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NAME_ADJECTIVES = _words(
    "Blue North Bright Silver Red Green Swift Clear Bold Prime Summit Iron Golden Quiet Rapid "
    "True Open Deep High Wide Cedar Maple Oak Pine Stone River Lake Harbor Coastal Urban Alpine "
    "Polar Solar Lunar Nova Vivid Noble Crisp Keen Agile Atlas Apex Core Civic Metro Pioneer "
    "Vector Zenith Orbit Pacific Atlantic Western Eastern Southern Northern Grand Little Modern "
    "Classic Future"
)
NAME_NOUNS = _words(
    "Harbor Ridge Field Wave Bridge Forge Peak Grove Path Point Gate Works Mark Line Loop Spring "
    "Stream Crest Haven Bay Falcon Eagle Fox Wolf Bear Otter Heron Lynx Raven Hawk Beacon Anchor "
    "Compass Lantern Signal Pixel Quantum Vertex Matrix Spark Flow Shift Pulse Leaf Root Seed "
    "Cloud Sky Star Moon Sun Rock Hill Valley Canyon Mesa Dune Reef Isle Shore Meadow Orchard "
    "Garden Tower Castle Arch Dome Square Circle Prism"
)
NAME_KINDS = _words(
    "Analytics Systems Labs Health Capital Software Solutions Partners Group Technologies Media "
    "Logistics Foods Energy Consulting Bank Insurance Clinic Manufacturing Retail Learning "
    "Robotics Networks Security Data Digital Studios Industries Holdings Ventures Medical Pharma "
    "Finance Advisors Academy Motors Foundry Supply Design Cloud"
)
FIRST_NAMES = _words(
    "James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony "
    "Sandra Mark Ashley Steven Emily Paul Michelle Andrew Amanda Joshua Melissa Kevin Laura Brian "
    "Rebecca Priya Arjun Wei Mei Lukas Anna Sofia Lars Emma Noah Olivia Liam Chloe Mateo Lucia "
    "Hiro Yuki Fatima Omar Aisha"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Clark "
    "Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell "
    "Mitchell Patel Shah Chen Wang Kim Nguyen Mueller Schmidt Schneider Fischer Dubois Moreau "
    "Jansen Visser Andersson Nilsen Murphy O'Brien Kelly Rossi Silva Santos Tanaka Sato Khan Ali "
    "Cohen Novak Kowalski Ivanova"
)

# --- Website --------------------------------------------------------------------------------

SITE = "https://www.funnelworks.example"
BLOG_SLUGS = _words(
    "what-is-an-mql lead-scoring-101 mql-vs-sql speed-to-lead account-based-marketing "
    "b2b-attribution demand-gen-playbook intent-data-explained marketing-ops-stack "
    "revops-alignment lead-routing scoring-decay webinar-funnels event-roi pipeline-review "
    "sales-handoff icp-workshop buying-committees ai-search-visibility content-calendar"
)
URL_PATHS: dict[str, tuple[str, ...]] = {
    "page_view": (
        *(f"/blog/{slug}" for slug in BLOG_SLUGS),
        "/",
        "/product",
        "/features/scoring",
        "/features/routing",
        "/features/attribution",
        "/integrations",
        "/customers",
        "/about",
        "/careers",
        "/security",
    ),
    "pricing_page_view": (
        "/pricing",
        "/pricing/enterprise",
        "/pricing/compare",
    ),
    "form_submit": (
        "/contact",
        "/newsletter",
        "/subscribe",
    ),
    "content_download": (
        "/resources/guide-lead-scoring.pdf",
        "/resources/mql-benchmarks-2025.pdf",
        "/resources/revops-handbook.pdf",
        "/resources/abm-playbook.pdf",
        "/resources/state-of-demand-gen.pdf",
        "/resources/funnel-metrics-cheatsheet.pdf",
    ),
    "case_study_download": (
        "/customers/northwind-case-study.pdf",
        "/customers/acme-health-case-study.pdf",
        "/customers/globex-fintech-case-study.pdf",
        "/customers/initech-case-study.pdf",
    ),
    "webinar_registered": (
        "/webinars/scoring-that-sales-trusts",
        "/webinars/mql-to-pipeline",
        "/webinars/abm-in-practice",
        "/webinars/revops-roundtable",
    ),
    "webinar_attended": (
        "/webinars/scoring-that-sales-trusts",
        "/webinars/mql-to-pipeline",
        "/webinars/abm-in-practice",
        "/webinars/revops-roundtable",
    ),
    "email_click": (
        "/blog/what-is-an-mql",
        "/blog/lead-scoring-101",
        "/webinars",
        "/pricing",
    ),
    "demo_request": ("/demo",),
    "trial_signup": ("/signup",),
    "consultation_request": ("/contact-sales",),
}

# --- Sales team ------------------------------------------------------------------------------

SDRS = tuple(f"sdr.{n}" for n in ("anna", "ben", "carla", "dev", "elif", "finn", "gus", "hana"))
AES = tuple(f"ae.{n}" for n in ("ivan", "june", "kofi", "lena", "max", "nora"))
OPPORTUNITY_STAGES = ("Discovery", "Demo", "Proposal", "Negotiation", "Closed Won", "Closed Lost")


def parse_ts(text: str) -> int:
    """Seconds since 1970-01-01 of a UTC-naive 'YYYY-MM-DD[ HH:MM:SS]' text."""
    return int(np.datetime64(text.strip().replace(" ", "T"), "s").astype(np.int64))
