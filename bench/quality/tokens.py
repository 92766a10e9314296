"""Shapes of document numbers (invoice, payout, batch ids) and how people mistype or restyle them."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass


@dataclass(frozen=True)
class TokenShape:
    """How a system numbers its documents, and how a payer may write the number back."""

    name: str

    def make(self, seq: int, rng: random.Random) -> str:
        if self.name == "prefix":  # INV-104233
            return f"INV-{100000 + seq}"
        if self.name == "year":  # RE2024-00123 (a year and a counter that restarts yearly)
            return f"RE2024-{seq:06d}"
        if self.name == "slash":  # F2024/00123
            return f"F2024/{seq:06d}"
        if self.name == "digits":  # 4500104233: an ERP's bare document number
            return f"{4500000000 + seq}"
        if self.name == "suffix":  # 104233-A (digits first, a letter after)
            return f"{100000 + seq}-{string.ascii_uppercase[seq % 26]}"
        if self.name == "stripe":  # po_1OaBcD2eZvKYlo2C: random ids with no order at all
            alphabet = string.ascii_letters + string.digits
            return "po_1" + "".join(rng.choice(alphabet) for _ in range(15))
        if self.name == "batch":  # Adyen-style settlement batch number
            return f"{1000 + seq}"
        raise ValueError(f"unknown token shape {self.name!r}")

    def restyle(self, token: str, rng: random.Random) -> str:
        """The token as a payer writes it in free text: spacing, case, dropped punctuation."""
        roll = rng.random()
        if roll < 0.6 or self.name in ("digits", "stripe", "batch"):
            return token
        if roll < 0.75:
            return token.lower()
        if roll < 0.9:
            return token.replace("-", " ").replace("/", " ")
        return token.replace("-", "").replace("/", "")

    def typo(self, token: str, rng: random.Random) -> str:
        """One digit changed or two adjacent digits swapped (what a person does when typing)."""
        digits = [i for i, c in enumerate(token) if c.isdigit()]
        if len(digits) < 2:
            return token + "1"
        chars = list(token)
        # Typos land in the last digits (the first ones are a year or a constant prefix).
        tail = digits[-5:]
        if rng.random() < 0.5:
            i = rng.randrange(len(tail) - 1)
            a, b = tail[i], tail[i + 1]
            if chars[a] != chars[b]:
                chars[a], chars[b] = chars[b], chars[a]
                return "".join(chars)
        pos = rng.choice(tail)
        chars[pos] = str((int(chars[pos]) + rng.randint(1, 9)) % 10)
        return "".join(chars)


SHAPES = {name: TokenShape(name) for name in ("prefix", "year", "slash", "digits", "suffix")}
