"""Random choices the generators share: names, amounts, scenario mixes (seeded by the caller)."""

from __future__ import annotations

import math
import random

from bench.quality.formats import Style

STEMS = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun",
    "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler",
    "Dubois", "Lefèvre", "Moreau", "Laurent", "Garnier", "De Vries", "Janssen", "Bakker", "Visser",
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Nordlicht", "Alpen", "Rhein", "Elbe",
    "Hansa", "Sonnen", "Blau", "Grün", "Stern", "Adler",
)  # fmt: skip
TRADES = (
    "Bau", "Logistik", "Elektro", "Metall", "Druck", "Handel", "Technik", "Software", "Holz",
    "Feinkost", "Optik", "Textil", "Medien", "Transport", "Consulting", "Automation",
)  # fmt: skip
FORMS = ("GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "SARL", "B.V.", "Ltd", "SE", "OHG")


def customers(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct company names."""
    names: set[str] = set()
    while len(names) < n:
        names.add(f"{rng.choice(STEMS)} {rng.choice(TRADES)} {rng.choice(FORMS)}")
    return sorted(names)


def log_amount(rng: random.Random, low: float = 15.0, high: float = 15_000.0) -> int:
    """Cents, log-uniform: many small invoices, a few large ones."""
    return max(int(math.exp(rng.uniform(math.log(low * 100), math.log(high * 100)))), 100)


def date_formats(left: Style, right: Style) -> dict[str, object]:
    """The date formats the files are written in: what a user answers when the upload asks."""
    return {"date_formats": {"left": left.date_format, "right": right.date_format}}


def pick(rng: random.Random, mix: dict[str, float]) -> str:
    """A scenario drawn with the weights of ``mix``."""
    roll = rng.random() * sum(mix.values())
    for name, share in mix.items():
        roll -= share
        if roll <= 0:
            return name
    return next(iter(mix))
