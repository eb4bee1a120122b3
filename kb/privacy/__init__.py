"""Personal data in what residents type: find it and mask it before anything else.

Under the My Number Act a city may not collect or keep personal numbers outside its
legal purposes, so every question, comment, search, filter and path parameter goes
through `mask_personal_data` before it is searched, logged, stored or sent back.
`folding` folds the many ways residents type digits, spaces, dashes and e-mail signs;
`detection` finds numbers (digit groups joined by separators or short phrases count as
one), e-mail addresses and insurance 記号・番号; `masking` replaces exactly what was typed.
"""
from .checkdigits import is_valid_corporate_number, is_valid_my_number
from .masking import MARKERS, PRIVACY_NOTICE, Masked, mask_for_record, mask_personal_data

__all__ = ["MARKERS", "PRIVACY_NOTICE", "Masked", "is_valid_corporate_number", "is_valid_my_number",
           "mask_for_record", "mask_personal_data"]
