"""widget.js and lookup.js make a link only to a web page, mail or phone (issue 18, section 2):
whatever URL an API reply carries — from an older index, another server or a proxy in
between — a javascript:, data: or vbscript: one never becomes an href. The replies are
rewritten in the browser, so the scripts' own check is what is tested."""
from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .test_browser import WAIT, ask, widget

UNSAFE = ["javascript:alert(document.domain)", " JaVaScRiPt:alert(document.domain)", "java\tscript:alert(1)",
          "\x01javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"]
SAFE = "https://www.city.example.jp/kokuho/"


def rewrite_urls(driver, url: str) -> None:
    """Every "url" in every JSON reply the page fetches becomes `url`."""
    driver.execute_script("""
        const url = arguments[0];
        const real = window.fetch;
        const rewrite = (value) => {
          if (Array.isArray(value)) value.forEach(rewrite);
          else if (value && typeof value === "object")
            for (const key of Object.keys(value)) { if (key === "url") value[key] = url; else rewrite(value[key]); }
        };
        window.fetch = async (...args) => {
          const response = await real(...args);
          let data;
          try { data = await response.clone().json(); } catch (e) { return response; }
          rewrite(data);
          return new Response(JSON.stringify(data), { status: response.status, headers: { "Content-Type": "application/json" } });
        };""", url)


def hrefs(driver, root) -> list[str]:
    return driver.execute_script("return Array.from(arguments[0].querySelectorAll('a[href]'), (a) => a.getAttribute('href'))",
                                 root)


@pytest.mark.parametrize("url", UNSAFE + [SAFE], ids=[json.dumps(u) for u in UNSAFE] + ["https"])
def test_the_widget_links_only_to_web_mail_and_phone(page, server, url):
    page.get(server.url + "/widget-demo")
    widget(page)
    rewrite_urls(page, url)
    reply = ask(page, "マイナンバーカードを落としたら保険の情報がもれる？")
    assert "仮にマイナンバーカードを紛失したとしても" in reply.text
    links = hrefs(page, reply)
    assert links and all(href.startswith(("https://", "tel:")) for href in links), links  # the phone link stays
    assert (SAFE in links) == (url == SAFE)  # the source and contact pages: linked only when safe
    assert "保険企画課" in reply.text  # the contact is still shown, without its page


@pytest.mark.parametrize("url", UNSAFE[:3] + [SAFE], ids=[json.dumps(u) for u in UNSAFE[:3]] + ["https"])
def test_the_staff_page_links_only_to_web_mail_and_phone(page, server, url):
    page.get(server.url + "/")
    rewrite_urls(page, url)
    field = page.find_element(By.ID, "q")
    field.click()
    ActionChains(page).send_keys("記憶装置").perform()
    WebDriverWait(page, WAIT).until(lambda d: "「記憶装置」" in d.find_element(By.ID, "status").text)
    results = page.find_element(By.ID, "results")
    assert "HDD等の記憶装置" in results.get_attribute("textContent")
    pages = [h for h in hrefs(page, results) if not h.startswith("/")]  # not the entry and topic links
    assert (pages and set(pages) == {SAFE}) if url == SAFE else pages == []
    # nothing found: the contact block the script draws
    page.execute_script("arguments[0].value = ''", field)
    field.send_keys("xyz")
    WebDriverWait(page, WAIT).until(lambda d: "「xyz」：0件" in d.find_element(By.ID, "status").text)
    contact = page.find_element(By.ID, "zero-contact")
    WebDriverWait(page, WAIT).until(lambda d: "保険企画課" in contact.text)
    assert [h for h in hrefs(page, contact) if not h.startswith("tel:")] == ([SAFE] if url == SAFE else [])
