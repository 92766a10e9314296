"""What the team knows about each generated case when it writes rules or SQL by hand.

This is the knowledge a user does not have on first contact: which column holds the invoice
number, which free-text column quotes it and in what shape, who the counterparty is. The
hand-tuned rules and the analyst's SQL are built from it; the zero-configuration run never sees it.
Columns are named as the files' headers spell them and resolved to Tally fields through the
mapping detection chose (an unmapped column is ``extra.<header>``), so the rules stay right when
detection maps a column differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.quality.load import LoadedSide


@dataclass(frozen=True)
class Knowledge:
    family: str  # bank_ledger | payouts_orders | vendor_ap
    left_key: str  # left column holding the document number
    right_text: str  # right column quoting it in free text
    # A regex with one named group ``ref`` finding the number in the free text (polars/RE2 syntax)
    token: str
    # The same, capturing all but the last digit (batches of consecutive numbers block on it).
    # Numbers are matched at any length from their first width on: the generators count past
    # 999,999 in a 1M case, and a pattern fixed at six digits read INV-1000005 as INV-100000:
    # the last tenth of the invoices lost their key, and their batches blocked on a prefix
    # shared by a hundred invoices (more candidates than the sum search takes).
    prefix: str = ""
    left_party: str | None = None
    right_party: str | None = None
    left_document: str | None = None  # the company's own document number (vendor_ap)
    document: str = ""  # regex finding it in the free text
    sign: str = "same"


def field_of(side: LoadedSide, column: str) -> str:
    """The Tally field a file column was loaded as: its mapped field, or ``extra.<column>``."""
    for name, mapped in side.mapping.items():
        if mapped == column:
            return name
    return f"extra.{column}"


_BANK_DE = {"right_text": "Verwendungszweck", "right_party": "Auftraggeber/Empfänger"}
_BANK_GB = {"right_text": "Reference", "right_party": "Payee"}
# The ERP's AP export; every vendor numbers its invoices in one of the generator's shapes.
_AP_ERP = {
    "family": "vendor_ap",
    "left_key": "Rechnungsnr Lieferant",
    "left_party": "Lieferant",
    "token": r"(?P<ref>(?:CN-)?(?:INV-\d{6,}|RE2024-\d{6,}|F2024/\d{6,}|45\d{8}|\d{6,}-[A-Z]))",
    "left_document": "Belegnr",
    "document": r"(?P<ref>51\d{8})",
    "sign": "opposite",
}

KNOWLEDGE: dict[str, Knowledge] = {
    "bank_ledger_de": Knowledge(
        family="bank_ledger",
        left_key="Invoice",
        left_party="Customer",
        token=r"(?i)(?P<ref>INV[- ]?\d{6,})",
        prefix=r"(?i)(?P<ref>INV[- ]?\d{5,})\d",
        **_BANK_DE,
    ),
    "bank_ledger_fr": Knowledge(
        family="bank_ledger",
        left_key="N° facture",
        left_party="Client",
        right_text="Libellé",
        right_party="Tiers",
        token=r"(?i)(?P<ref>F ?2024[/ ]?\d{6,})",
        prefix=r"(?i)(?P<ref>F ?2024[/ ]?\d{5,})\d",
    ),
    "bank_ledger_nl": Knowledge(
        family="bank_ledger",
        left_key="Invoice",
        left_party="Customer",
        right_text="Mededelingen",
        right_party="Naam / Omschrijving",
        token=r"(?P<ref>45\d{8})",
        prefix=r"(?P<ref>45\d{7})\d",
    ),
    "bank_ledger_gb": Knowledge(
        family="bank_ledger",
        left_key="Rechnungsnr",
        left_party="Kunde",
        token=r"(?i)(?P<ref>\d{6,}[- ]?[A-Z])\b",
        prefix=r"(?i)(?P<ref>\d{5,})\d[- ]?[A-Z]\b",
        **_BANK_GB,
    ),
    "payouts_orders": Knowledge(
        family="payouts_orders",
        left_key="Payout",
        token=r"(?P<ref>po_1[A-Za-z0-9]{15})",
        **_BANK_DE,
    ),
    "payouts_orders_adyen": Knowledge(
        family="payouts_orders",
        left_key="Payout",
        token=r"BATCH (?P<ref>\d+)",
        **_BANK_GB,
    ),
    "vendor_ap": Knowledge(**_AP_ERP, **_BANK_GB),
    "vendor_ap_de": Knowledge(**_AP_ERP, **_BANK_DE),
}
