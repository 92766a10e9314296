"""How the generated files write dates, amounts and text: one :class:`Style` per export dialect.

A style is what a bank's or an ERP's CSV export fixes for every file it writes: encoding,
delimiter, date and number format, the header words and the phrases of its free text. Generators
pick one per side, so the same reconciliation case can be written the German, French, Dutch,
British or American way without changing its truth.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Style:
    name: str
    encoding: str
    delimiter: str
    date_format: str  # strftime
    decimal: str  # "," or "."
    thousands: str  # "", ".", ",", " " or "'"
    words: dict[str, str] = field(default_factory=dict)
    # Phrases of a bank's purpose text; {ref}, {customer}, {date} are filled in.
    purposes: tuple[str, ...] = ("{ref}",)
    partial: tuple[str, ...] = ("{ref} part {k}",)
    batch: tuple[str, ...] = ("{ref} ff",)
    unrelated: tuple[str, ...] = ("Rent", "Salary")

    def date(self, day: dt.date) -> str:
        return day.strftime(self.date_format)

    def money(self, cents: int, *, plus: bool = False) -> str:
        """``cents`` written with this style's separators (never a float on the way)."""
        sign = "-" if cents < 0 else ("+" if plus and cents > 0 else "")
        whole, frac = divmod(abs(cents), 100)
        digits = f"{whole}"
        if self.thousands:
            groups = []
            while len(digits) > 3:
                groups.append(digits[-3:])
                digits = digits[:-3]
            groups.append(digits)
            digits = self.thousands.join(reversed(groups))
        return f"{sign}{digits}{self.decimal}{frac:02d}"

    def word(self, key: str) -> str:
        return self.words.get(key, key)


GERMAN_BANK = Style(
    name="de_bank",
    encoding="cp1252",
    delimiter=";",
    date_format="%d.%m.%Y",
    decimal=",",
    thousands=".",
    words={
        "booking": "Buchungstag",
        "value": "Valuta",
        "party": "Auftraggeber/Empfänger",
        "account": "IBAN",
        "purpose": "Verwendungszweck",
        "amount": "Betrag",
        "currency": "Währung",
        "kind": "Buchungstext",
        "transfer": "GUTSCHRIFT",
        "debit": "LASTSCHRIFT",
    },
    purposes=(
        "RE {ref} vom {date}",
        "Rechnung Nr. {ref} {customer}",
        "{ref} Kd-Nr. {custno}",
        "SEPA-Überweisung Rechnung {ref} Vielen Dank",
        "Zahlung zu {ref}",
        "Ihre Rechnung {ref} / Gebühren zu Ihren Lasten",
    ),
    partial=(
        "Teilzahlung {k}/{n} RE {ref}",
        "Anzahlung Rechnung {ref}",
        "Rate {k} zu Rechnung {ref}",
    ),
    batch=("RE {ref} ff", "Rechnungen {ref} ff.", "Sammelzahlung RE {ref} ff {customer}"),
    unrelated=(
        "Miete {month} Büro Hauptstraße",
        "Gehalt {month}",
        "Kartenumsatz Tankstelle",
        "Kontoführungsgebühren {month}",
        "Erstattung Porto",
        "Zinsen {month}",
        "Zahlung {customer}",
    ),
)

FRENCH_BANK = Style(
    name="fr_bank",
    encoding="cp1252",
    delimiter=";",
    date_format="%d/%m/%Y",
    decimal=",",
    thousands=" ",
    words={
        "booking": "Date opération",
        "value": "Date valeur",
        "party": "Tiers",
        "account": "Compte",
        "purpose": "Libellé",
        "amount": "Montant",
        "currency": "Devise",
        "kind": "Type",
        "transfer": "VIREMENT RECU",
        "debit": "PRELEVEMENT",
    },
    purposes=(
        "VIR SEPA {customer} FACT {ref}",
        "REGLEMENT FACTURE {ref}",
        "{ref} DU {date}",
        "PAIEMENT FACT. N° {ref} MERCI",
    ),
    partial=("ACOMPTE {k} FACT {ref}", "REGLEMENT PARTIEL {ref}"),
    batch=("FACT {ref} ET SUIV.", "FACTURES {ref} ff"),
    unrelated=("LOYER {month}", "SALAIRES {month}", "CB CARBURANT", "FRAIS BANCAIRES {month}"),
)

DUTCH_BANK = Style(
    name="nl_bank",
    encoding="utf-8",
    delimiter=",",
    date_format="%Y%m%d",
    decimal=",",
    thousands="",
    words={
        "booking": "Datum",
        "value": "Rentedatum",
        "party": "Naam / Omschrijving",
        "account": "Tegenrekening",
        "purpose": "Mededelingen",
        "amount": "Bedrag (EUR)",
        "currency": "Valuta",
        "kind": "Mutatiesoort",
        "transfer": "Overschrijving",
        "debit": "Incasso",
    },
    purposes=(
        "Betaling factuur {ref}",
        "Factuur {ref} {customer}",
        "Omschrijving: {ref} Kenmerk: {custno}",
    ),
    partial=("Deelbetaling {k} factuur {ref}", "Termijn {k} {ref}"),
    batch=("Facturen {ref} ff", "Verzamelbetaling {ref} ff"),
    unrelated=("Huur {month}", "Salaris {month}", "Pinbetaling tankstation", "Kosten {month}"),
)

BRITISH_BANK = Style(
    name="gb_bank",
    encoding="utf-8",
    delimiter=",",
    date_format="%d/%m/%Y",
    decimal=".",
    thousands="",
    words={
        "booking": "Date",
        "value": "Value date",
        "party": "Payee",
        "account": "Account",
        "purpose": "Reference",
        "amount": "Amount",
        "currency": "Currency",
        "kind": "Type",
        "transfer": "FPI",
        "debit": "FPO",
    },
    purposes=(
        "INVOICE {ref}",
        "{customer} {ref}",
        "PAYMENT REF {ref}",
        "{ref} THANK YOU",
    ),
    partial=("PART PAYMENT {k} {ref}", "INSTALMENT {k} OF {n} {ref}"),
    batch=("INVOICES {ref} FF", "{ref} FF {customer}"),
    unrelated=("RENT {month}", "PAYROLL {month}", "CARD PURCHASE FUEL", "BANK CHARGES {month}"),
)

US_EXPORT = Style(
    name="us_export",
    encoding="utf-8",
    delimiter=",",
    date_format="%m/%d/%Y",
    decimal=".",
    thousands=",",
)

ISO_EXPORT = Style(
    name="iso_export",
    encoding="utf-8",
    delimiter=",",
    date_format="%Y-%m-%d",
    decimal=".",
    thousands="",
)

GERMAN_ERP = Style(
    name="de_erp",
    encoding="utf-8",
    delimiter=";",
    date_format="%d.%m.%Y",
    decimal=",",
    thousands="",
)

SWISS_EXPORT = Style(
    name="ch_export",
    encoding="utf-8",
    delimiter=";",
    date_format="%d.%m.%Y",
    decimal=".",
    thousands="'",
)

MONTHS = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")


def fill(template: str, rng: random.Random, **values: str) -> str:
    """A phrase with its placeholders filled (``{month}`` is random when not given)."""
    values.setdefault("month", f"{rng.choice(MONTHS)}/2024")
    return template.format(**values)
