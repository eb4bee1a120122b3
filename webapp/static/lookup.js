// Staff lookup: results as you type, copy buttons, keyboard shortcuts.
// The page works without this file; everything here is an enhancement.
(() => {
  "use strict";
  const $ = (selector, root = document) => root.querySelector(selector);
  const form = $("#search-form");
  const input = $("#q");
  const results = $("#results");
  const status = $("#status");

  function announce(message) {
    if (status) status.textContent = message;
  }

  function copyText(item) {
    const text = $(".copy-text", item).textContent;
    const done = () => {
      const button = $("button.copy", item);
      button.classList.add("done");
      button.textContent = "コピーしました";
      announce("回答をコピーしました。");
      setTimeout(() => { button.classList.remove("done"); button.textContent = "回答をコピー"; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => legacyCopy(text, done));
    } else {
      legacyCopy(text, done);
    }
  }

  function legacyCopy(text, done) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    try { document.execCommand("copy"); done(); } finally { area.remove(); }
  }

  function showCopyButtons(root) {
    root.querySelectorAll("button.copy").forEach((button) => { button.hidden = false; });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.copy");
    if (button) copyText(button.closest(".result"));
  });
  showCopyButtons(document);

  // Entry pages: print and copy-link buttons (hidden without JavaScript).
  document.querySelectorAll("button.print, button.copy-link").forEach((button) => { button.hidden = false; });
  document.addEventListener("click", (event) => {
    if (event.target.closest("button.print")) window.print();
    const link = event.target.closest("button.copy-link");
    if (!link) return;
    const done = () => { link.textContent = "リンクをコピーしました"; announce("このページのリンクをコピーしました。"); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(location.href).then(done, () => legacyCopy(location.href, done));
    else legacyCopy(location.href, done);
  });

  const items = () => Array.from(document.querySelectorAll(".result"));
  const selected = () => document.activeElement && document.activeElement.closest
    ? document.activeElement.closest(".result") : null;

  function select(item) {
    items().forEach((other) => other.classList.toggle("selected", other === item));
    if (item) item.focus();
  }

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const list = items();
    const current = selected();
    if (event.key === "/" && !isTyping(event.target) && input) {
      event.preventDefault();
      input.focus();
      input.select();
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && (current || event.target === input) && list.length) {
      event.preventDefault();
      const index = current ? list.indexOf(current) : -1;
      const next = event.key === "ArrowDown" ? Math.min(index + 1, list.length - 1) : index - 1;
      if (next < 0 && input) { select(null); input.focus(); } else { select(list[Math.max(next, 0)]); }
    } else if (event.key === "Enter" && current && event.target === current) {
      event.preventDefault();
      const link = $("h2 a", current);
      if (link) window.location.assign(link.href);
    } else if (event.key === " " && current && event.target === current) {
      event.preventDefault();
      const details = $("details.full", current);
      if (details) details.open = !details.open;
    } else if (event.key === "c" && !isTyping(event.target) && (current || list.length)) {
      event.preventDefault();
      copyText(current || list[0]);
    }
  });

  if (!form || !results) return;

  function segments(parts, parent) {
    for (const part of parts) {
      if (part.hit) {
        const mark = document.createElement("mark");
        mark.textContent = part.text;
        parent.append(mark);
      } else {
        parent.append(document.createTextNode(part.text));
      }
    }
    return parent;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A link only to a web page, mail or phone: a browser ignores controls and spaces in a scheme
  // (" JaVaScRiPt:", "java\tscript:"), so they are dropped before the scheme is read.
  const safeUrl = (url) => (typeof url === "string" && /^(https?|mailto|tel):/i.test(url.replace(/[\0- \x7f-\x9f\s]+/g, "")) ? url.trim() : null);
  const entryHref = (id) => "/entries/" + encodeURIComponent(id).replace(/%2F/g, "/");

  function resultItem(r) {
    const li = element("li", "result" + (r.best ? " best" : ""));
    li.dataset.id = r.id;
    li.tabIndex = -1;
    if (r.best) li.append(element("p", "best-label", "最も近い回答"));
    const heading = element("h2", "result-question");
    const link = element("a", "", r.heading || undefined);
    link.href = entryHref(r.id);
    heading.append(r.heading ? link : segments(r.question_segments, link));
    const full = element("details", "full");
    full.append(element("summary", "", "全文を表示"));
    if (r.heading) {
      full.append(element("p", "entry-label", r.is_overview ? "資料の概要" : "寄せられたご意見"),
        segments(r.question_segments, element("p", "opinion")), element("p", "entry-label", r.is_overview ? "概要" : "市の回答"));
    }
    const answer = element("div", "result-answer");
    r.answer_segments.forEach((paragraph) => answer.append(segments(paragraph, element("p"))));
    const source = element("p", "source", "出典：" + r.citation + " ");
    const url = safeUrl(r.source.url);
    if (url) {
      const page = element("a", "", "公表ページ");
      page.href = url;
      page.rel = "noopener";
      source.append(page);
    }
    full.append(answer, source);
    if (r.topics.length) {
      const topics = element("ul", "topics");
      topics.setAttribute("aria-label", "分類");
      r.topics.forEach((t) => {
        const a = element("a", "", t);
        a.href = "/?topic=" + encodeURIComponent(t);
        const item = element("li");
        item.append(a);
        topics.append(item);
      });
      full.append(topics);
    }
    li.append(heading, segments(r.snippet, element("p", "snippet")), full);
    const copy = element("pre", "copy-text", r.answer_text + "\n\n出典：" + r.citation + (r.source.url ? " " + r.source.url : ""));
    copy.hidden = true;
    const button = element("button", "copy", "回答をコピー");
    button.type = "button";
    li.append(copy, button);
    return li;
  }

  function contactBlock(c) {
    if (!c) return [];
    const section = element("section", "contact");
    section.setAttribute("aria-label", "お問い合わせ先");
    section.append(element("h2", "entry-label", "お問い合わせ先"));
    const list = element("dl");
    const row = (label, text, href) => {
      const dd = element("dd");
      if (href) { const a = element("a", "", text); a.href = href; dd.append(a); } else dd.append(element("span", "nw", text));
      list.append(element("dt", "", label), dd);
    };
    (c.lines || []).forEach((line) => section.append(element("p", "", line)));
    if (c.department && !(c.lines || []).length) row("担当", c.department);
    if (c.phone) row("電話", c.phone, "tel:" + c.phone.replace(/-/g, ""));
    if (c.hours) row("受付時間", c.hours);
    const page = safeUrl(c.url);
    if (page) row("ページ", page, page);
    section.append(list);
    return [section];
  }

  function showZero(data) {
    const zero = $("#zero");
    if (!zero) return;
    zero.hidden = !(data.query && data.total === 0);
    const near = $(".near", zero);
    near.hidden = !(data.near && data.near.length);
    $("#near-list", zero).replaceChildren(...(data.near || []).map((n) => {
      const a = element("a", "", n.heading || n.question.split("\n")[0]);
      a.href = entryHref(n.id);
      const li = element("li");
      li.append(a);
      return li;
    }));
    $("#zero-contact", zero).replaceChildren(...contactBlock(data.contact_info));
  }

  let timer = null;
  let controller = null;

  async function run() {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of Array.from(params)) if (!value) params.delete(key);
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch("/api/search?" + params, { signal: controller.signal, headers: { Accept: "application/json" } });
      const data = await response.json();
      if (!response.ok) { announce(data.error ? data.error.message : "検索できませんでした。"); return; }
      results.replaceChildren(...data.results.map(resultItem));
      showZero(data);
      const query = data.query ? "「" + data.query + "」：" : "";
      announce(query + data.total + "件" + (data.pages > 1 ? "（" + data.page + "/" + data.pages + "ページ）" : ""));
      history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
      const pager = $(".pager");
      if (pager) pager.hidden = true;
    } catch (error) {
      if (error.name !== "AbortError") announce("検索できませんでした。通信を確認してください。");
    }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 200); });
  form.addEventListener("change", (event) => { if (event.target.tagName === "SELECT") run(); });
})();
