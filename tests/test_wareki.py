from datetime import date

import pytest

from kb.wareki import find_dates, parse_date, parse_period


@pytest.mark.parametrize("text, expected", [
    ("令和2年6月15日（月）", date(2020, 6, 15)),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("平成31年4月30日", date(2019, 4, 30)),
    ("平成元年1月8日", date(1989, 1, 8)),
    ("昭和64年1月7日", date(1989, 1, 7)),
    ("大正15年12月24日", date(1926, 12, 24)),
    ("明治45年7月29日", date(1912, 7, 29)),
    ("令和５年１０月１日", date(2023, 10, 1)),  # full-width digits
    ("令和二年六月十五日", date(2020, 6, 15)),  # kanji numerals
    ("平成29.4.12変更", date(2017, 4, 12)),
    ("R2.6.15", date(2020, 6, 15)),
    ("2024年12月2日", date(2024, 12, 2)),
])
def test_era_dates_convert_to_iso(text, expected):
    assert parse_date(text) == expected


def test_a_date_without_year_takes_the_previous_one():
    assert find_dates("（令和2年6月15日～7月14日実施）") == [date(2020, 6, 15), date(2020, 7, 14)]


def test_period():
    assert parse_period("令和2年6月15日（月）～令和2年7月14日（火）") == (date(2020, 6, 15), date(2020, 7, 14))


@pytest.mark.parametrize("text", ["未定", "6月15日", "令和2年2月30日", "令和2年7月14日～令和2年6月15日"])
def test_not_a_period(text):
    with pytest.raises(ValueError):
        parse_period(text)
