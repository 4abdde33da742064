"""Fake direct identifiers (names, phones, addresses, GPS, notes) from small built-in lists.

Own lists instead of Faker: vectorised draws from the seeded numpy Generator are fast at 100x and
cannot change with a Faker release. Every string is cp1252-encodable (Latin-1 office exports).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POOLS = {
    "west_fr": (
        [
            "Mamadou",
            "Ibrahima",
            "Ousmane",
            "Abdoulaye",
            "Moussa",
            "Alpha",
            "Sekou",
            "Lamine",
            "Boubacar",
            "Amadou",
            "Cheick",
            "Issa",
        ],
        ["Aïssatou", "Fatoumata", "Mariama", "Kadiatou", "Awa", "Hawa", "Néné", "Rokia"],
        [
            "Diallo",
            "Barry",
            "Bah",
            "Camara",
            "Sow",
            "Traoré",
            "Keïta",
            "Condé",
            "Touré",
            "Sylla",
            "Ndiaye",
            "Diop",
            "Fall",
            "Sarr",
            "Koné",
            "Ouédraogo",
        ],
    ),
    "west_en": (
        [
            "Emeka",
            "Chinedu",
            "Tunde",
            "Ibrahim",
            "Musa",
            "Kwame",
            "Kofi",
            "Lamin",
            "Ebrima",
            "Samuel",
            "Joseph",
            "Yusuf",
        ],
        ["Blessing", "Grace", "Aminata", "Fatou", "Esther", "Mary", "Isatou", "Joy"],
        [
            "Okafor",
            "Adeyemi",
            "Bello",
            "Mensah",
            "Boateng",
            "Jallow",
            "Ceesay",
            "Touray",
            "Eze",
            "Okonkwo",
            "Sanneh",
            "Mendes",
        ],
    ),
    "horn": (
        [
            "Abebe",
            "Dawit",
            "Tesfaye",
            "Mohamed",
            "Abdi",
            "Ahmed",
            "Hassan",
            "Yonas",
            "Mustafa",
            "Osman",
        ],
        ["Hiwot", "Selam", "Amina", "Halima", "Sara", "Fatuma"],
        [
            "Kebede",
            "Tadesse",
            "Haile",
            "Warsame",
            "Farah",
            "Ali",
            "Abdullahi",
            "Gebre",
            "Omer",
            "Elamin",
        ],
    ),
    "south": (
        ["João", "Carlos", "Manuel", "Armando", "Celso", "Fernando"],
        ["Ana", "Maria", "Graça", "Lúcia"],
        ["Machava", "Nhantumbo", "Cossa", "Mondlane", "Sitoe", "Tembe"],
    ),
    "south_asia": (
        ["Rahim", "Karim", "Hossain", "Aziz", "Ahmad", "Farid", "Jawad", "Nasir", "Rafiq", "Hamid"],
        ["Nasrin", "Fatema", "Roya", "Shirin", "Parveen"],
        ["Uddin", "Rahman", "Islam", "Ahmadi", "Hakimi", "Karimi", "Sultani", "Miah"],
    ),
    "maghreb": (
        ["Youssef", "Mohamed", "Hamza", "Omar", "Anas", "Rachid", "Karim"],
        ["Fatima", "Khadija", "Salma", "Imane"],
        ["El", "Amrani", "Benali", "Alaoui", "Bennani", "Tazi", "El", "Idrissi"],
    ),
}

PLACES = {
    "NGA": ("Benin City", 234, (6.3, 5.6)),
    "GIN": ("Conakry", 224, (9.6, -13.6)),
    "CMR": ("Douala", 237, (4.05, 9.7)),
    "GMB": ("Serekunda", 220, (13.4, -16.7)),
    "CIV": ("Abidjan", 225, (5.35, -4.0)),
    "NER": ("Niamey", 227, (13.5, 2.1)),
    "ETH": ("Addis Ababa", 251, (9.0, 38.7)),
    "SEN": ("Dakar", 221, (14.7, -17.4)),
    "MLI": ("Bamako", 223, (12.6, -8.0)),
    "GNB": ("Bissau", 245, (11.85, -15.6)),
    "BFA": ("Ouagadougou", 226, (12.4, -1.5)),
    "GHA": ("Kumasi", 233, (6.7, -1.6)),
    "SDN": ("Khartoum", 249, (15.5, 32.5)),
    "MOZ": ("Maputo", 258, (-25.9, 32.6)),
    "BGD": ("Sylhet", 880, (24.9, 91.9)),
    "SOM": ("Mogadishu", 252, (2.05, 45.3)),
    "AFG": ("Kabul", 93, (34.5, 69.2)),
    "MAR": ("Béni Mellal", 212, (32.3, -6.35)),
}
STREETS = ["Rue", "Avenue", "Quartier", "Street", "Road", "Carrefour"]
NOTES = [
    "",
    "",
    "",
    "Rappeler la semaine prochaine",
    "Follow up on business plan",
    "Moved to relatives",
    "Absent at first visit",
]


def identifiers(iso: str, pool: str, female: np.ndarray, rng) -> pd.DataFrame:
    """Name, phone, address, GPS and notes for each returnee."""
    male_f, female_f, surnames = POOLS[pool]
    n = len(female)
    first = np.where(female, rng.choice(female_f, n), rng.choice(male_f, n))
    last = rng.choice(surnames, n)
    city, code, (lat, lon) = PLACES[iso]
    digits = rng.integers(10_000_000, 99_999_999, n)
    return pd.DataFrame(
        {
            "full_name": [f"{a} {b}" for a, b in zip(first, last, strict=True)],
            "phone_number": [f"+{code} {d // 10000:04d} {d % 10000:04d}" for d in digits],
            "address": [
                f"{s} {k}, {city}"
                for s, k in zip(rng.choice(STREETS, n), rng.integers(1, 300, n), strict=True)
            ],
            "gps": [
                f"{lat + a:.5f}, {lon + b:.5f}"
                for a, b in zip(rng.normal(0, 0.3, n), rng.normal(0, 0.3, n), strict=True)
            ],
            "notes": rng.choice(NOTES, n),
        }
    )
