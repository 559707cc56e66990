//! The vocabularies generated tickets draw from.
//!
//! They deliberately mix plain ASCII with the text that breaks careless clients: accents,
//! CJK, emoji, quotes, backslashes, a tab and a Unicode line separator.

/// First names, each with an ASCII form for e-mail addresses.
pub(crate) const FIRST_NAMES: &[(&str, &str)] = &[
    ("Anna", "anna"),
    ("Zoë", "zoe"),
    ("Łukasz", "lukasz"),
    ("José", "jose"),
    ("Søren", "soren"),
    ("Aiko", "aiko"),
    ("Chloé", "chloe"),
    ("Mohammed", "mohammed"),
    ("Ngozi", "ngozi"),
    ("Björn", "bjorn"),
    ("Ольга", "olga"),
    ("花子", "hanako"),
    ("Jean \"JJ\"", "jj"),
    ("Back\\slash", "backslash"),
    ("🎉 Party", "party"),
    ("Priya", "priya"),
];

/// Last names, each with an ASCII form for e-mail addresses.
pub(crate) const LAST_NAMES: &[(&str, &str)] = &[
    ("Müller", "mueller"),
    ("Nowak", "nowak"),
    ("O'Brien", "obrien"),
    ("山田", "yamada"),
    ("García", "garcia"),
    ("Ærøskøbing", "aeroskobing"),
    ("Smith", "smith"),
    ("Dvořák", "dvorak"),
    ("Nguyễn", "nguyen"),
    ("Ben-David", "bendavid"),
    ("Kowalczyk", "kowalczyk"),
    ("Okafor", "okafor"),
];

pub(crate) const COMPANIES: &[&str] = &[
    "Acme GmbH",
    "Ærøskøbing Fisk A/S",
    "Talque",
    "株式会社サンプル",
    "\"Quoted\" & Co.",
    "Back\\slash Ltd",
    "Rocket 🚀 Inc.",
    "Line\u{2028}Separator AG",
    "Zoë's Café",
    "",
];

pub(crate) const JOB_TITLES: &[&str] = &[
    "CTO",
    "Speaker",
    "Head of\tOperations",
    "Développeuse",
    "研究者",
    "Data \"Wizard\"",
    "Intern 🧑‍💻",
    "Sales",
];

pub(crate) const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "beispiel.de",
    "müller.example",
];

pub(crate) const LOCALES: &[&str] = &["de-DE", "en-US", "en-GB", "fr-FR", "ja-JP", "pl", "da"];

pub(crate) const CATEGORIES: &[&str] = &[
    "Attendee",
    "Speaker",
    "Exhibitor",
    "Press & Médien",
    "Staff",
    "Sponsor",
    "Student",
];

/// How often each category leads a person's ticket: mostly attendees, as at a conference.
pub(crate) const CATEGORY_WEIGHTS: [u64; 7] = [70, 6, 8, 2, 4, 2, 8];

/// The categories whose holders are often VIPs.
pub(crate) const VIP_CATEGORIES: &[&str] = &["Speaker", "Sponsor"];

/// The categories of add-on tickets, which hang off a person's main ticket.
pub(crate) const ADDON_CATEGORIES: &[&str] = &["Workshop", "Gala Dinner", "Parking"];

pub(crate) const COURSES: &[&str] = &["on-site", "virtual", "hybrid"];

/// Most people come in person.
pub(crate) const COURSE_WEIGHTS: [u64; 3] = [80, 12, 8];

pub(crate) const PROVIDERS: &[&str] = &["pretix", "eventbrite", "talque"];

pub(crate) const EXT_DATA_STRINGS: &[&str] = &[
    "VIP lounge \"Nord\"",
    "Zoë – Ærøskøbing 🎟",
    "C:\\tickets\\export",
    "multi\nline",
];

/// Characters of generated alphanumeric ids, in base-62 digit order.
pub(crate) const ALNUM: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
