"""The product as a default install builds it (seed indexed with the packaged e5 encoder) in a
real browser: a staff search no entry holds a word of finds nothing (e5 puts any text near
every entry, so meaning alone must come very close), and the widget's `close` reply shows
the nearest entries as related text, never as the city's answer."""
from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import axe_violations, screenshot
from .test_browser import WAIT, ask, city_page, widget

# Applying for the card: the seed speaks of the card's security, never of how to apply.
CLOSE_QUESTION = "マイナ保険証の利用登録のやり方"
CLOSE_LABEL = "近い内容の公表資料（ご質問への回答ではありません）"


def assert_no_serious_violations(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["impact"], [n.get("target") for n in v["nodes"]][:3]) for v in violations]


def test_staff_search_for_a_word_no_entry_holds_shows_zero_results_and_the_help(page, semantic_server):
    page.get(semantic_server.url + "/")
    zero = page.find_element(By.ID, "zero")
    assert page.find_elements(By.CSS_SELECTOR, "#results .result") and not zero.is_displayed()
    ActionChains(page).send_keys("/", "xyz").perform()  # lookup.js searches as you type
    WebDriverWait(page, WAIT).until(lambda d: "「xyz」" in d.find_element(By.ID, "status").text)
    assert page.find_element(By.ID, "status").text == "「xyz」：0件"
    assert page.find_elements(By.CSS_SELECTOR, "#results .result") == []
    assert zero.is_displayed()  # un-hidden by lookup.js for total 0
    assert "見つからないときは" in zero.text and "ひらがな・カタカナでも探せます" in zero.text
    assert "保険企画課" in zero.find_element(By.ID, "zero-contact").text.replace("\n", "")
    screenshot(page, "staff-zero-results-semantic")
    assert_no_serious_violations(page)


def test_widget_close_reply_shows_the_nearest_entries_as_related_text_not_an_answer(page, semantic_server, semantic_kb):
    page.get(semantic_server.url + "/widget-demo")
    reply = ask(page, CLOSE_QUESTION)
    assert reply.find_element(By.CSS_SELECTOR, "p:not(.label)").text.startswith(
        "ご質問に直接お答えする回答は見つかりませんでした")
    labels = [p.text for p in reply.find_elements(By.CSS_SELECTOR, "p.label")]
    assert CLOSE_LABEL in labels and "こちらの回答が参考になるかもしれません" not in labels
    buttons = reply.find_elements(By.CSS_SELECTOR, ".related button")
    headings = {e.heading for e in semantic_kb.entries.values() if e.heading}
    assert 1 <= len(buttons) <= 3 and all(b.text in headings for b in buttons)
    # nothing is presented as the answer: no 「市の回答」 block, no 解決しましたか？, no answer message
    assert "市の回答" not in reply.text and "解決しましたか？" not in reply.text
    assert "answer" not in reply.get_attribute("class").split()
    assert widget(page).find_elements(By.CSS_SELECTOR, ".msg.answer") == []
    assert reply.find_elements(By.CSS_SELECTOR, ".chips button") == []  # the related list is the way forward
    assert "保険企画課" in reply.find_element(By.CSS_SELECTOR, ".contact").text.replace("\n", "")
    screenshot(page, "widget-close")
    assert_no_serious_violations(page)
    # a related entry opens as the city's text when the resident chooses it
    title = buttons[0].text
    buttons[0].click()
    opened = WebDriverWait(page, WAIT).until(lambda d: widget(d).find_elements(By.CSS_SELECTOR, ".msg.answer"))[-1]
    assert opened.find_element(By.CSS_SELECTOR, ".q").text == title and "市の回答" in opened.text


def test_english_widget_close_reply_is_labelled_in_english(page, semantic_server, other_origin):
    site, origin = other_origin
    page.get(f"{origin}/{city_page(site, 'en-close.html', semantic_server.url, lang='en')}")
    reply = ask(page, CLOSE_QUESTION)
    assert "We found no published answer to exactly this question" in reply.text
    assert "Related published text (not an answer to your question)" in reply.text
    assert reply.find_elements(By.CSS_SELECTOR, ".related button") and "見つかりませんでした" not in reply.text
    assert "The city's answer" not in reply.text
