"""Proposing a column mapping from the data itself, with header names (in several languages).

Columns are chosen by how well their values fit a field over the sampled rows: the share of rows
that hold a value and, for dates and amounts, the share that parses as one. An empty column never
wins, whatever its name. Header names (normalised: lower case, accents and punctuation removed,
compared with synonym lists) only rank columns whose values fit equally well, and the data fills
the gaps when no name matches (the best date column -> booking_date, a signed numeric column ->
amount, a column of ISO codes -> currency, a column of D/C indicators on nearly every row ->
direction). The proposal is only a proposal: the user confirms or corrects it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from tally.ingest.dates import EXCEL, DateFormatError, parse_date
from tally.ingest.field_names import SYNONYMS
from tally.ingest.options import DEFAULT_CREDIT_MARKERS, DEFAULT_DEBIT_MARKERS
from tally.ingest.records import MAPPABLE_FIELDS
from tally.ingest.sniff import cell_kind

# Names that look like an amount but never are one.
NOT_AMOUNT = re.compile(
    r"\b(balance|saldo|solde|kontostand|saldo na trn|bakiye|so du|zustatek|egyenleg|stanje|price"
    r"|quantity|fee|rate)\b|余额|残高|잔액"
)
# Names of an account's number, never a document's reference ('Bank Account Num').
_ACCOUNT_NUMBER = re.compile(r"\b(account|acct|konto|iban|cuenta|conto|compte|rekening)\b")
# Names of the account holder's own account, never the counterparty's ('IBAN Auftragskonto').
_OWN_ACCOUNT = re.compile(r"\b(auftragskonto|own account|my account|rekening)\b")
# Which kind of data each field needs.
_KIND = {
    "booking_date": "date",
    "value_date": "date",
    "amount": "amount",
    "debit": "amount",
    "credit": "amount",
}
_MARKERS = frozenset(DEFAULT_DEBIT_MARKERS) | frozenset(DEFAULT_CREDIT_MARKERS)
# Columns whose values may read 'credit'/'debit' without signing anything (Stripe's card_funding).
_NOT_SIGN = re.compile(r"\b(card|funding|brand|category|method|product|network|payment|kind)\b")
# A column holds the sign when nearly every row carries an indicator value.
SIGN_SHARE = 0.9
# A column of shorter texts (codes, statuses, types) is not an entry's description.
DESCRIPTION_LENGTH = 8
# Share buckets: values that fit within 5% of each other tie, and the names decide.
_BUCKETS = 20
CURRENCY_CODES = frozenset(
    [
        "AED",
        "ARS",
        "AUD",
        "BGN",
        "BHD",
        "BRL",
        "CAD",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CZK",
        "DKK",
        "EGP",
        "EUR",
        "GBP",
        "HKD",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "ISK",
        "JOD",
        "JPY",
        "KES",
        "KRW",
        "KWD",
        "LTL",
        "LVL",
        "MAD",
        "MXN",
        "MYR",
        "NGN",
        "NOK",
        "NZD",
        "OMR",
        "PEN",
        "PHP",
        "PKR",
        "PLN",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "SAR",
        "SEK",
        "SGD",
        "THB",
        "TND",
        "TRY",
        "TWD",
        "UAH",
        "USD",
        "VND",
        "ZAR",
    ]
)


def normalise_name(name: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: 'Währung ' -> 'wahrung'."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Letters of every script stay (Cyrillic names match Cyrillic synonyms); punctuation goes.
    # The Turkish dotless i (U+0131) has no decomposition to strip: it is an i.
    plain = plain.replace("ß", "ss").replace("ı", "i")  # noqa: RUF001
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def named_like(field: str, columns: Sequence[str]) -> str | None:
    """The column whose name fits ``field`` best, whatever its values (None: no name fits)."""
    scored = [(_name_score(field, column), -rank, column) for rank, column in enumerate(columns)]
    best = max(scored, default=(0, 0, ""))
    return best[2] if best[0] else None


def names_known_fields(cells: Sequence[str]) -> bool:
    """Whether a row reads as a header: no date or amount in it, and at least two cells that
    name a field exactly ('Buchungstag', 'Betrag', 'Currency')."""
    if any(cell_kind(cell) in ("date", "amount") for cell in cells):
        return False
    named = 0
    for cell in cells:
        normalised = normalise_name(cell)
        if normalised and any(
            normalised == normalise_name(synonym)
            for synonyms in SYNONYMS.values()
            for synonym in synonyms
        ):
            named += 1
    return named >= 2


def _name_score(field: str, name: str) -> int:
    """How well a header name fits a field: an exact synonym beats one found among the words,
    and a longer synonym found ('montant debite') beats a shorter one ('montant')."""
    normalised = normalise_name(name)
    if not normalised:
        return 0
    words = f" {normalised} "
    best = 0
    for position, synonym in enumerate(SYNONYMS[field]):
        target = normalise_name(synonym)
        if not target:
            continue
        # 'Counter Party' is 'Counterparty', 'Payee Name' is 'Payeename'.
        if normalised == target or normalised.replace(" ", "") == target.replace(" ", ""):
            best = max(best, 1000 - position)
        elif f" {target} " in words and len(target) > 2:
            best = max(best, 100 * len(target.split()) + len(target) - position)
    return best


@dataclass(frozen=True)
class ColumnProfile:
    """What a column's sample cells look like."""

    name: str
    filled: int
    dates: int
    amounts: int
    negatives: int
    markers: int
    rows: int = 0  # rows sampled (filled or not)
    codes: int = 0  # cells that are ISO currency codes
    zeros: int = 0  # amounts without a non-zero digit ('0.00', '$0.00')
    counter: bool = False  # whole numbers counting the rows (1, 2, 3...): a row number
    mean_length: float = 0.0  # of the filled cells
    distinct: int = 0  # distinct filled values
    worded: int = 0  # cells reading as words, not one code ('MobilePay Jens', 'Løn', not 'T200P12')
    fractions: int = 0  # amounts with a decimal part ('11 804,20', '(12.5)'), not whole numbers

    @property
    def money(self) -> bool:
        """Whether the column can hold the amounts: some non-zero amount, and not a row counter
        (PayPal's 'Insurance Amount' is 0.00 on every row; ICICI's 'S No.' counts 1, 2, 3)."""
        return self.kind == "amount" and self.zeros < self.amounts and not self.counter

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0

    def row_share(self, count: int) -> float:
        return count / self.rows if self.rows else 0.0

    def fit(self, field: str) -> float:
        """Share of the sampled rows whose value fits ``field`` (parses, for typed fields)."""
        needed = _KIND.get(field)
        if needed == "date":
            return self.row_share(self.dates)
        if needed == "amount":
            return self.row_share(self.amounts)
        if field == "direction":
            return self.row_share(self.markers)
        if field == "currency":
            return self.row_share(self.codes)
        return self.row_share(self.filled)

    @property
    def kind(self) -> str:
        if not self.filled:
            return "empty"
        if self.share(self.dates) >= 0.5:
            return "date"
        if self.share(self.amounts) >= 0.5:
            return "amount"
        return "text"


def profile_columns(
    columns: Sequence[str], rows: Sequence[Sequence[str]], date_format: str | None = None
) -> list[ColumnProfile]:
    """Count the dates, amounts, negative amounts and D/C markers among each column's cells.

    With a known ``date_format`` (say ``excel`` serials) cells in that format count as dates too.
    """
    profiles = []
    for index, name in enumerate(columns):
        values = [row[index].strip() for row in rows if index < len(row) and row[index].strip()]
        kinds = [
            "date" if date_format and _is_date(value, date_format) else cell_kind(value)
            for value in values
        ]
        profiles.append(
            ColumnProfile(
                name=name,
                filled=len(values),
                dates=kinds.count("date"),
                amounts=kinds.count("amount"),
                negatives=sum(
                    1
                    for value, kind in zip(values, kinds, strict=True)
                    if kind == "amount"
                    and (value.startswith(("-", "(", "\u2212")) or value.endswith("-"))
                ),
                markers=sum(1 for value in values if value.lower() in _MARKERS),
                rows=len(rows),
                codes=sum(1 for value in values if value.upper() in CURRENCY_CODES),
                zeros=sum(
                    1
                    for value, kind in zip(values, kinds, strict=True)
                    if kind == "amount" and not _NON_ZERO.search(value)
                ),
                counter=_counts_rows(values),
                mean_length=sum(map(len, values)) / len(values) if values else 0.0,
                distinct=len(set(values)),
                worded=sum(1 for value in values if _worded(value)),
                fractions=sum(
                    1
                    for value, kind in zip(values, kinds, strict=True)
                    if kind == "amount" and _FRACTION.search(value)
                ),
            )
        )
    return profiles


_NON_ZERO = re.compile(r"[^\D0\uff10]")  # a digit other than zero, ASCII or full-width
# One or two decimals at the end, before a closing parenthesis, sign, code or symbol ('12,50-').
_FRACTION = re.compile(r"\d[.,]\d{1,2}(?:[^\d.,]*)$")


def _worded(value: str) -> bool:
    """Words rather than one code: a space between letters, or a letter beyond ASCII."""
    letters = [ch for ch in value if ch.isalpha()]
    return bool(letters) and (" " in value.strip() or any(ord(ch) > 0x7F for ch in letters))


def _counts_rows(values: Sequence[str]) -> bool:
    """Whether the values are whole numbers going up (or down) by one from row to row."""
    if len(values) < 3 or not all(value.isdigit() for value in values):
        return False
    numbers = [int(value) for value in values]
    steps = {later - earlier for earlier, later in pairwise(numbers)}
    return steps in ({1}, {-1})


def _is_date(value: str, date_format: str) -> bool:
    try:
        parsed = parse_date(value, date_format)
    except DateFormatError:
        return False
    # Any small integer is a spreadsheet serial: only plausible dates make a column look like one.
    return date_format != EXCEL or 1950 <= parsed.year <= 2150


def propose_mapping(
    columns: Sequence[str], profiles: Sequence[ColumnProfile], *, has_header: bool
) -> dict[str, str]:
    """Field -> column proposal from the values (first) and the header names (to break ties)."""
    by_name = {profile.name: profile for profile in profiles}
    candidates: list[tuple[int, int, int, int, str, str]] = []
    if has_header:
        for field_rank, field in enumerate(SYNONYMS):
            for column_rank, column in enumerate(columns):
                score = _name_score(field, column)
                if not score:
                    continue
                profile = by_name[column]
                needed = _KIND.get(field)
                if needed == "amount" and NOT_AMOUNT.search(normalise_name(column)):
                    continue
                if field == "amount" and (not profile.money or _names_one_direction(column)):
                    continue  # 'Withdrawal Amount' is money out, not a signed amount
                if field.startswith("counterparty") and _OWN_ACCOUNT.search(normalise_name(column)):
                    continue
                if field == "reference" and _ACCOUNT_NUMBER.search(normalise_name(column)):
                    continue
                if needed and profile.kind != needed:
                    continue  # an empty column, or one whose values are not of the field's kind
                if field == "direction" and profile.fit(field) < SIGN_SHARE:
                    continue
                if field == "currency" and profile.filled and profile.share(profile.codes) < 0.9:
                    continue
                quality = round(_BUCKETS * profile.fit(field))
                candidates.append((quality, score, -field_rank, -column_rank, field, column))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for *_ranks, field, column in sorted(candidates, reverse=True):
        if field in mapping or column in used:
            continue
        mapping[field] = column
        used.add(column)
    _resolve_amount_fields(mapping)
    _fill_from_data(mapping, used, profiles, has_header=has_header)
    _drop_unneeded_direction(mapping, by_name, used)
    if "booking_date" not in mapping and "value_date" in mapping:
        # The only date a file gives is the date of its entries ('Date de valeur' alone).
        mapping["booking_date"] = mapping.pop("value_date")
    return mapping


def merge_mapping(given: Mapping[str, str], proposed: Mapping[str, str]) -> dict[str, str]:
    """The user's (partial) mapping completed with the proposal: a field the user maps, or a
    column the user uses, is theirs; an empty column name unmaps a field the proposal had. A
    signed amount given replaces a proposed debit/credit pair and its direction, and a pair given
    replaces a proposed amount."""
    taken = {column for column in given.values() if column}
    merged = {
        field: column
        for field, column in proposed.items()
        if field not in given and column not in taken
    }
    if "amount" in given:
        merged.pop("debit", None)
        merged.pop("credit", None)
        if given["amount"] != proposed.get("amount"):
            merged.pop("direction", None)  # it signed the proposed amount, not this one
    if "debit" in given or "credit" in given:
        merged.pop("amount", None)
        merged.pop("direction", None)
    merged.update({field: column for field, column in given.items() if column})
    return merged


def exact_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """A mapping that detection must not complete (an import profile's, a source's own): every
    field it leaves out is given as unmapped."""
    return {**dict.fromkeys(MAPPABLE_FIELDS, ""), **mapping}


def _names_one_direction(column: str) -> bool:
    """Whether a name says money out or money in (not both, as 'Credit/Debit Amount' does)."""
    return bool(_name_score("debit", column)) != bool(_name_score("credit", column))


def _resolve_amount_fields(mapping: dict[str, str]) -> None:
    """One signed amount wins over a debit/credit pair; a lone debit or credit is kept."""
    if "amount" in mapping:
        mapping.pop("debit", None)
        mapping.pop("credit", None)


def _fill_from_data(
    mapping: dict[str, str], used: set[str], profiles: Sequence[ColumnProfile], *, has_header: bool
) -> None:
    free = [profile for profile in profiles if profile.name not in used]
    if "booking_date" not in mapping:
        dates = [profile for profile in free if profile.kind == "date"]
        # The fullest date column first; the file's order breaks ties.
        dates.sort(key=lambda profile: -round(_BUCKETS * profile.fit("booking_date")))
        if dates:
            mapping["booking_date"] = dates[0].name
            used.add(dates[0].name)
            if "value_date" not in mapping and len(dates) > 1:
                mapping["value_date"] = dates[1].name
                used.add(dates[1].name)
    if "amount" not in mapping and "debit" not in mapping and "credit" not in mapping:
        numbers = [
            profile
            for profile in profiles
            if profile.name not in used
            and profile.money
            and not NOT_AMOUNT.search(normalise_name(profile.name))
        ]
        # The fullest column first; then one written with decimals on most rows (a customer or
        # invoice number is a whole number too; money typed as text rarely is, while a
        # spreadsheet's numbers drop their zero cents, so a few decimals prove nothing); a
        # signed column is more likely the amount than a balance.
        numbers.sort(
            key=lambda profile: (
                -round(_BUCKETS * profile.fit("amount")),
                profile.fractions * 2 < profile.amounts,
                profile.negatives == 0,
            )
        )
        if numbers:
            mapping["amount"] = numbers[0].name
            used.add(numbers[0].name)
    if "direction" not in mapping and "amount" in mapping:
        # An indicator on nearly every row that holds an amount: a summary block below the table
        # (Alipay's totals) holds no amount in that column and no indicator either.
        amounts = next(profile for profile in profiles if profile.name == mapping["amount"])
        markers = [
            profile
            for profile in profiles
            if profile.name not in used
            and profile.markers >= SIGN_SHARE * max(amounts.filled, 1)
            and profile.share(profile.markers) >= SIGN_SHARE
            and not _NOT_SIGN.search(normalise_name(profile.name))
        ]
        if markers:
            mapping["direction"] = markers[0].name
            used.add(markers[0].name)
    if "description" not in mapping and not has_header:
        # The text column with the longest varied values: the bank's own words for each entry
        # (Wells Fargo's headerless fifth column). Under a header, a column no name calls a
        # description stays unmapped (a customer or card column reads as words too).
        texts = [
            profile
            for profile in profiles
            if profile.name not in used
            and profile.kind == "text"
            and profile.fit("description") >= 0.5
            and profile.distinct >= max(2, profile.filled // 2)
            and profile.share(profile.worded) >= 0.5
            and profile.mean_length >= DESCRIPTION_LENGTH
        ]
        if texts:
            longest = max(texts, key=lambda profile: profile.mean_length)
            mapping["description"] = longest.name
            used.add(longest.name)
    if "currency" not in mapping:
        # Every filled cell a code, on at least half the rows: totals and rule lines between the
        # entries leave the column's cells empty, they do not make its codes something else.
        codes = [
            profile
            for profile in profiles
            if profile.name not in used
            and profile.share(profile.codes) >= SIGN_SHARE
            and profile.fit("currency") >= 0.5
        ]
        if codes:
            mapping["currency"] = codes[0].name
            used.add(codes[0].name)


def _drop_unneeded_direction(
    mapping: dict[str, str], by_name: Mapping[str, ColumnProfile], used: set[str]
) -> None:
    """A direction column only signs unsigned amounts; with signed amounts it is just text."""
    if "direction" not in mapping:
        return
    amount = by_name.get(mapping.get("amount", ""))
    if amount is None or amount.negatives:
        used.discard(mapping.pop("direction"))
