"""The countries of :mod:`bench.quality.creditor_refs`: their check-digit schemes, invoice
numbering, ledger and bank file layouts and the phrases of their payers' messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.quality.formats import Style

# -- check digits ------------------------------------------------------------------------------


def viitenumero(base: str) -> str:
    """Finnish reference: ``base`` and a check digit (weights 7, 3, 1 from the right)."""
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base)))
    return base + str((10 - total % 10) % 10)


def rf_reference(reference: str) -> str:
    """ISO 11649 creditor reference ``RFcc`` + ``reference`` (mod 97-10, as IBAN)."""
    numeric = "".join(str(int(c, 36)) for c in (reference + "RF00").upper())
    return f"RF{98 - int(numeric) % 97:02d}{reference}"


def belgian_ogm(base10: str) -> str:
    """Belgian structured communication: ten digits and their remainder by 97 (97 for 0)."""
    check = int(base10) % 97 or 97
    digits = f"{base10}{check:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def swiss_qr(base26: str) -> str:
    """Swiss QR reference: 26 digits and a recursive modulo-10 check digit."""
    table = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
    carry = 0
    for digit in base26:
        carry = table[(carry + int(digit)) % 10]
    return base26 + str((10 - carry) % 10)


def luhn(base: str) -> str:
    """Norwegian KID (MOD10): ``base`` and its Luhn check digit."""
    total = 0
    for i, digit in enumerate(reversed(base)):
        value = int(digit) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return base + str((10 - total % 10) % 10)


def grouped(digits: str, size: int = 5) -> str:
    """Digits in groups of ``size`` counted from the right, as references are printed."""
    head = len(digits) % size
    parts = [digits[:head]] if head else []
    parts += [digits[i : i + size] for i in range(head, len(digits), size)]
    return " ".join(parts)


# -- countries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    number: int
    name: str
    payer: str  # as the bank writes the paying party (the parent company for some)
    account: str
    foreign: bool


@dataclass(frozen=True)
class Country:
    """How one country's ledger and bank write invoices, references and transfers."""

    code: str
    currency: str
    ledger: Style
    bank: Style
    ledger_file: str
    bank_file: str
    ledger_header: list[str]
    # What each ledger column holds, in the header's order: number, reference, customer_no,
    # customer, date, due, amount, currency, type.
    ledger_fields: tuple[str, ...]
    bank_header: list[str]
    preamble: list[list[str]]
    invoice: Callable[[int], str]
    reference: Callable[[str, Customer], str]  # invoice number -> printed national reference
    ledger_shows_reference: float  # share of ledger rows with the reference filled
    multi: tuple[str, ...]  # "{a}" the first numbers joined, "{b}" the last
    single: tuple[str, ...]  # an unstructured message quoting one number
    netted: tuple[str, ...]  # "{inv}" and "{cn}"
    anonymous: tuple[str, ...]  # a message with no number
    own_iban: str


def _fi_invoice(seq: int) -> str:
    return f"{2024 + seq // 10000}{seq % 10000:04d}"


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


FINLAND = Country(
    code="fi",
    currency="EUR",
    ledger=Style("fi_erp", "utf-8", ";", "%d.%m.%Y", ",", " "),
    bank=Style("fi_bank", "utf-8", ";", "%d.%m.%Y", ",", ""),
    ledger_file="myyntireskontra.csv",
    bank_file="tilitapahtumat.csv",
    ledger_header=[
        "Laskunumero",
        "Viitenumero",
        "Asiakasnumero",
        "Asiakas",
        "Laskupäivä",
        "Eräpäivä",
        "Summa",
        "Valuutta",
        "Tyyppi",
    ],
    ledger_fields=(
        "number",
        "reference",
        "customer_no",
        "customer",
        "date",
        "due",
        "amount",
        "currency",
        "type",
    ),
    bank_header=[
        "Kirjauspäivä",
        "Arvopäivä",
        "Määrä",
        "Saaja/Maksaja",
        "Tilinumero",
        "BIC",
        "Tapahtuma",
        "Viite",
        "Viesti",
    ],
    preamble=[
        ["Tilinumero", "FI49 5000 9420 0287 30"],
        ["Ajanjakso", "01.01.2024 - 31.12.2024"],
        ["Valuutta", "EUR"],
        [],
    ],
    invoice=_fi_invoice,
    reference=lambda inv, _c: grouped(viitenumero(inv)),
    ledger_shows_reference=0.6,
    multi=("Laskut {a} ja {b}", "Lasku {a}, {b}", "Fakt. {a} og {b}", "Maksu laskuista {a} ja {b}"),
    single=("Lasku {inv}", "Laskun {inv} maksu", "Lasku nro {inv} kiitos"),
    netted=("Lasku {inv} - hyvitys {cn}", "Lasku {inv} vähennetty hyvityslasku {cn}"),
    anonymous=("Maksu", "Laskun maksu", ""),
    own_iban="FI4950009420028730",
)

BELGIUM = Country(
    code="be",
    currency="EUR",
    ledger=Style("be_erp", "utf-8", ",", "%d/%m/%Y", ".", ""),
    bank=Style("be_bank", "cp1252", ";", "%d/%m/%Y", ",", ""),
    ledger_file="verkoopboek.csv",
    bank_file="rekeninguittreksels.csv",
    ledger_header=[
        "Factuurnummer",
        "Klant",
        "Klantnummer",
        "Factuurdatum",
        "Vervaldatum",
        "Bedrag",
        "Valuta",
        "Gestructureerde mededeling",
        "Type",
    ],
    ledger_fields=(
        "number",
        "customer",
        "customer_no",
        "date",
        "due",
        "amount",
        "currency",
        "reference",
        "type",
    ),
    bank_header=[
        "Rekeningnummer",
        "Afschriftnummer",
        "Datum",
        "Omschrijving",
        "Valuta",
        "Bedrag",
        "Munt",
        "Naam tegenpartij",
        "Rekeningnummer tegenpartij",
        "Gestructureerde mededeling",
        "Vrije mededeling",
    ],
    preamble=[],
    invoice=lambda seq: f"FV/{2024 + seq // 100000}/{seq % 100000:05d}",
    reference=lambda inv, _c: belgian_ogm(digits_of(inv).zfill(10)),
    ledger_shows_reference=0.5,
    multi=("Facturen {a} en {b}", "Fact. {a}, {b}", "Betaling facturen {a} en {b}"),
    single=("Factuur {inv}", "Betaling factuur {inv}", "Fact {inv} bedankt"),
    netted=("Factuur {inv} min creditnota {cn}", "Fact. {inv} - CN {cn}"),
    anonymous=("Betaling", "Facturen", ""),
    own_iban="BE68539007547034",
)

SWITZERLAND = Country(
    code="ch",
    currency="CHF",
    ledger=Style("ch_erp", "utf-8", ";", "%d.%m.%Y", ".", "'"),
    bank=Style("ch_bank", "utf-8", ";", "%d.%m.%Y", ".", ""),
    ledger_file="debitoren.csv",
    bank_file="kontoauszug.csv",
    ledger_header=[
        "Rechnungsnr.",
        "Kunde",
        "Kundennr.",
        "Datum",
        "Fällig",
        "Betrag",
        "Währung",
        "Art",
    ],
    ledger_fields=(
        "number",
        "customer",
        "customer_no",
        "date",
        "due",
        "amount",
        "currency",
        "type",
    ),
    bank_header=[
        "Buchungsdatum",
        "Avisierungstext",
        "Gutschrift in CHF",
        "Lastschrift in CHF",
        "Valuta",
        "Saldo in CHF",
    ],
    preamble=[
        ["Datum von:", "01.01.2024"],
        ["Datum bis:", "31.12.2024"],
        ["Konto:", "CH5604835012345678009"],
        ["Währung:", "CHF"],
        [],
    ],
    invoice=lambda seq: f"RE-{240000 + seq}",
    reference=lambda inv, c: grouped(swiss_qr(f"{c.number:06d}{digits_of(inv).zfill(20)}")),
    ledger_shows_reference=0.0,
    multi=("Rechnungen {a} und {b}", "Rg. {a}, {b}", "Zahlung Rechnungen {a} und {b}"),
    single=("Rechnung {inv}", "Zahlung Rg. {inv}", "Rechnung Nr. {inv} Besten Dank"),
    netted=("Rechnung {inv} abzgl. Gutschrift {cn}", "Rg. {inv} ./. GS {cn}"),
    anonymous=("Zahlung", "Rechnungen", ""),
    own_iban="CH5604835012345678009",
)

NORWAY = Country(
    code="no",
    currency="NOK",
    ledger=Style("no_erp", "utf-8", ";", "%d.%m.%Y", ",", " "),
    bank=Style("no_bank", "cp1252", ";", "%d.%m.%Y", ",", ""),
    ledger_file="kundereskontro.csv",
    bank_file="kontoutskrift.csv",
    ledger_header=[
        "Fakturanr",
        "KID",
        "Kundenr",
        "Kunde",
        "Fakturadato",
        "Forfallsdato",
        "Beløp",
        "Valuta",
        "Type",
    ],
    ledger_fields=(
        "number",
        "reference",
        "customer_no",
        "customer",
        "date",
        "due",
        "amount",
        "currency",
        "type",
    ),
    bank_header=["Dato", "Forklaring", "Rentedato", "Uttak", "Innskudd"],
    preamble=[],
    invoice=lambda seq: f"{100000 + seq}",
    reference=lambda inv, c: luhn(f"{c.number:05d}{inv}"),
    ledger_shows_reference=0.7,
    multi=("Faktura {a} og {b}", "Fakt. {a}, {b}", "Betaling faktura {a} og {b}"),
    single=("Faktura {inv}", "Betaling faktura {inv}", "Faktura nr {inv} takk"),
    netted=("Faktura {inv} minus kreditnota {cn}", "Fakt. {inv} - kreditnota {cn}"),
    anonymous=("Betaling", "Overføring", ""),
    own_iban="NO9386011117947",
)

COUNTRIES = {c.code: c for c in (FINLAND, BELGIUM, SWITZERLAND, NORWAY)}
