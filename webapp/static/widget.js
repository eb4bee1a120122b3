// <kb-faq-widget endpoint="https://…" lang="ja|en"> — the resident Q&A box.
// Plain JavaScript, no third-party code. Shadow DOM keeps the city's CSS and ours apart.
// Every text from the server is set with textContent: nothing is parsed as HTML.
(() => {
  "use strict";
  if (customElements.get("kb-faq-widget")) return;
  const SCRIPT = document.currentScript;
  const DEFAULT_ENDPOINT = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src).origin : location.origin;

  const LABELS = {
    ja: {
      title: "国保・マイナ保険証のご質問",
      intro: "市が公表した回答をお探しします。文章で質問してください。",
      label: "ご質問",
      placeholder: "例：マイナ保険証をなくしたら？",
      send: "質問する",
      privacy: "個人番号（マイナンバー）・電話番号・保険証の番号などは入力しないでください。",
      you: "あなたの質問",
      bot: "回答",
      answerFrom: "市の回答（公表資料の原文）",
      opinion: "寄せられたご意見",
      overview: "資料の概要",
      source: "出典：",
      page: "公表ページ",
      solved: "解決しましたか？",
      yes: "はい",
      no: "いいえ",
      thanks: "ご協力ありがとうございました。",
      sorry: "お役に立てず申し訳ありません。次の質問や、担当課へのお問い合わせをお試しください。",
      related: "関連する質問",
      maybe: "こちらの回答が参考になるかもしれません",
      close: "近い内容の公表資料（ご質問への回答ではありません）",
      starters: "よくある質問",
      contact: "お問い合わせ先",
      office: "担当",
      phone: "電話",
      hours: "受付時間",
      web: "ページ",
      noAnswer: null,
      help: null,
      tooShort: null,
      notJapanese: null,
      sending: "回答を探しています…",
      error: "うまく送信できませんでした。時間をおいてもう一度お試しください。",
      log: "会話",
      tools: "表示の設定",
      ruby: "ふりがな",
      size: "文字の大きさ",
      normal: "標準",
      large: "大",
    },
    en: {
      title: "Health insurance & My Number card questions",
      intro: "Find the city's published answers (in Japanese). Ask in a sentence, in Japanese.",
      label: "Your question",
      placeholder: "In Japanese, e.g. カードをなくしたら？",
      send: "Ask",
      privacy: "Do not enter your Individual Number (My Number), phone number or insurance card numbers.",
      you: "You asked",
      bot: "Answer",
      answerFrom: "The city's answer (published text, in Japanese)",
      opinion: "Published comment",
      overview: "Overview of the document",
      source: "Source: ",
      page: "Published page",
      solved: "Did this answer your question?",
      yes: "Yes",
      no: "No",
      thanks: "Thank you for your feedback.",
      sorry: "Sorry this did not help. Try a related question or contact the office below.",
      related: "Related questions",
      maybe: "These answers may help",
      close: "Related published text (not an answer to your question)",
      closeAnswer: "We found no published answer to exactly this question. Related published text is shown below.",
      starters: "Common questions",
      contact: "Contact",
      office: "Office",
      phone: "Phone",
      hours: "Hours",
      web: "Web page",
      noAnswer: "Sorry, we found no published answer to this question. Please contact the office below.",
      help: "Ask about National Health Insurance or My Number cards in a sentence, in Japanese. Do not enter personal numbers.",
      tooShort: "Please type a little more detail.",
      notJapanese: "Answers are published in Japanese only. Please ask in Japanese, or try one of these questions.",
      sending: "Searching…",
      error: "Could not send your question. Please try again later.",
      log: "Conversation",
      tools: "Display settings",
      ruby: "Furigana",
      size: "Text size",
      normal: "Normal",
      large: "Large",
    },
  };

  const CSS = `
:host { all: initial; display: block; max-width: 40rem; font-family: "Hiragino Sans","Noto Sans JP","Yu Gothic",Meiryo,sans-serif; font-size: 1rem; line-height: 1.7; color: #1a1a1a; }
* { box-sizing: border-box; }
.box { border: 2px solid #0b5394; border-radius: 8px; background: #fff; font-size: 1em; line-break: strict; word-break: auto-phrase; overflow-wrap: anywhere; text-wrap: pretty; }
.box.large { font-size: 1.25em; }
.head { background: #0b5394; color: #fff; padding: .5em .9em; }
h2 { font-size: 1.1em; margin: 0; }
.intro { margin: .1em 0 0; font-size: .9em; }
.tools { display: flex; flex-wrap: wrap; gap: .4em 1em; align-items: center; padding: .4em .75em; border-bottom: 1px solid #c8c8c8; font-size: .9em; }
.tools button { min-height: 36px; padding: .1em .7em; }
.tools [aria-pressed="true"] { background: #0b5394; color: #fff; }
.log { padding: .75em; display: flex; flex-direction: column; gap: .6em; }
.log:empty { padding: 0; }  /* stays in the tree: a live region must exist before it speaks */
.msg { border-radius: 6px; padding: .5em .75em; max-width: 100%; min-width: 0; }
.you { align-self: flex-end; background: #e8f0fb; border: 1px solid #9bb8de; white-space: pre-wrap; }
.bot { align-self: stretch; background: #f7f7f7; border: 1px solid #c8c8c8; }
.who { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.label { font-size: .85em; color: #4a4a4a; margin: 0 0 .2em; }
.q { font-weight: bold; margin: 0 0 .4em; white-space: pre-line; }
.opinion { white-space: pre-line; font-size: .9em; border-left: 3px solid #c8c8c8; padding-left: .6em; }
p { margin: 0 0 .5em; }
strong.best { background: #fff1a8; font-weight: bold; }
.ruby, .on .has-ruby .plain { display: none; }
.on .has-ruby .ruby { display: block; }
rt { font-size: .6em; }
.ruby { word-break: keep-all; overflow-wrap: anywhere; ruby-align: center; }
.source, .dated { font-size: .85em; color: #4a4a4a; }
.stale, .notice { border-left: 4px solid #b45f06; background: #fff4e5; }
.stale { padding: .3em .6em; font-size: .9em; }
.error { border-left: 4px solid #a61c00; background: #fdecea; }
.contact { border-top: 1px solid #c8c8c8; margin-top: .6em; padding-top: .4em; }
.contact dl { margin: 0; display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0 .8em; }
.contact dd { margin: 0; }
.nw { display: inline-block; max-width: 100%; word-break: keep-all; }
a { color: #0b5394; }
button { font: inherit; font-size: .95em; cursor: pointer; border-radius: 4px; padding: .35em .8em; border: 1px solid #0b5394; background: #fff; color: #0b5394; min-height: 44px; }
button.primary { background: #0b5394; color: #fff; }
button:disabled { opacity: .6; cursor: default; }
:focus-visible { outline: 3px solid #e36c09; outline-offset: 2px; }
.row { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; }
.related, .chips { display: flex; flex-direction: column; align-items: flex-start; gap: .4em; margin: .3em 0 .5em; padding: 0; list-style: none; }
.chips { flex-direction: row; flex-wrap: wrap; }
.chips button { border-radius: 999px; text-align: left; }
.related button { text-align: left; }
form { border-top: 1px solid #c8c8c8; padding: .75em; display: flex; flex-direction: column; gap: .4em; }
label { font-weight: bold; }
.entry { display: flex; gap: .5em; flex-wrap: wrap; }
input { flex: 1 1 16em; min-width: 0; font: inherit; padding: .5em; border: 1px solid #6b6b6b; border-radius: 4px; color: #1a1a1a; background: #fff; min-height: 44px; }
.privacy { font-size: .85em; color: #4a4a4a; margin: 0; }
`;

  let sheet = null;
  function styles(root) {
    if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
      if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
      root.adoptedStyleSheets = [sheet];
    } else {
      const style = document.createElement("style");
      style.textContent = CSS;
      root.append(style);
    }
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    node.append(...children.filter((c) => c instanceof Node || (typeof c === "string" && c !== "")));  // never a stray 0 from `list.length && …`
    return node;
  }

  // Phone numbers in a contact line (０６-６４８９-６１３７ too) as tel: links; the rest as text.
  function telLinks(line) {
    return line.split(/([0-9０-９]{2,5}[-－‐ー][0-9０-９]{1,4}[-－‐ー][0-9０-９]{3,4})/).map((part, i) => i % 2
      ? el("a", { href: "tel:" + part.normalize("NFKC").replace(/[^0-9]/g, ""), text: part }) : part);
  }

  // Reading settings live in the resident's browser only.
  const store = {
    get(key) { try { return localStorage.getItem("kb-faq-" + key); } catch (e) { return null; } },
    set(key, value) { try { localStorage.setItem("kb-faq-" + key, value); } catch (e) { /* storage blocked */ } },
  };

  // A name such as 保健福祉局保険医療部保険企画課 may wrap only between its units.
  const name = (text) => el("span", { class: "nw", lang: "ja" }, ...text.split(/(?<=[都道府県市区町村局部課室係])/).flatMap((part) => [part, el("wbr")]));

  // A link only to a web page, mail or phone: a browser ignores controls and spaces in a scheme (java\tscript:).
  const safeUrl = (url) => (typeof url === "string" && /^(https?|mailto|tel):/i.test(url.replace(/[\0- \x7f-\x9f\s]+/g, "")) ? url.trim() : null);

  let counter = 0;
  // Long published opinions make unwieldy buttons: show an editor's heading, else their opening.
  const short = (text) => { const line = text.split("\n")[0]; return line.length > 60 ? line.slice(0, 60) + "…" : line; };
  const titleOf = (item) => item.heading || short(item.question);

  // One paragraph, the best sentence marked; with `ruby` [{text, ruby}] the readings added.
  function paragraph(text, mark, ruby) {
    const p = el("p");
    const cuts = mark ? [mark.start, mark.end] : [];
    let at = 0;
    let strong = null;
    for (const piece of ruby || [{ text }]) {
      if (piece.phrase) (strong || p).append(el("wbr"));  // with keep-all, lines break between phrases only
      // A piece without a reading may cross the best sentence's edges: cut it there.
      const edges = piece.ruby ? [] : cuts.filter((c) => c > at && c < at + piece.text.length);
      let from = 0;
      for (const to of [...edges.map((c) => c - at), piece.text.length]) {
        const part = piece.text.slice(from, to);
        const node = piece.ruby ? el("ruby", {}, part, el("rt", { text: piece.ruby })) : document.createTextNode(part);
        if (mark && at + from >= mark.start && at + from < mark.end) {
          if (!strong) p.append((strong = el("strong", { class: "best" })));
          strong.append(node);
        } else {
          strong = null;
          p.append(node);
        }
        from = to;
      }
      at += piece.text.length;
    }
    return p;
  }

  class FaqWidget extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const t = (this.t = LABELS[this.getAttribute("lang") === "en" ? "en" : "ja"]);
      this.endpoint = (this.getAttribute("endpoint") || DEFAULT_ENDPOINT).replace(/\/+$/, "");
      const id = "kbw" + ++counter;
      const root = this.attachShadow({ mode: "open" });
      styles(root);
      this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": t.log });
      this.input = el("input", { id: id + "-q", type: "text", name: "question", maxlength: "200", autocomplete: "off",
        placeholder: t.placeholder, "aria-describedby": id + "-privacy", list: id + "-suggest" });
      this.suggestions = el("datalist", { id: id + "-suggest" });
      this.button = el("button", { type: "submit", class: "primary", text: t.send });
      const form = el("form", { onsubmit: (event) => { event.preventDefault(); this.ask(); } },
        el("label", { for: id + "-q", text: t.label }),
        el("div", { class: "entry" }, this.input, this.button),
        this.suggestions,
        el("p", { id: id + "-privacy", class: "privacy", text: t.privacy }));
      this.input.addEventListener("input", () => this.suggestSoon());
      this.box = el("section", { class: "box", "aria-labelledby": id + "-title" },
        el("div", { class: "head" }, el("h2", { id: id + "-title", text: t.title }), el("p", { class: "intro", text: t.intro })),
        this.tools(), this.log, form);
      root.append(this.box);
      this.setRuby(store.get("furigana") === "1");
      this.setSize(store.get("size") === "large");
      this.welcome();
    }

    tools() {
      const t = this.t;
      const toggle = (text, onclick) => el("button", { type: "button", "aria-pressed": "false", text, onclick });
      this.rubyButton = toggle(t.ruby, () => this.setRuby(!this.ruby));
      this.sizeButtons = [toggle(t.normal, () => this.setSize(false)), toggle(t.large, () => this.setSize(true))];
      return el("div", { class: "tools", role: "group", "aria-label": t.tools }, this.rubyButton,
        el("span", { class: "row", role: "group", "aria-label": t.size }, el("span", { text: t.size }), ...this.sizeButtons));
    }

    setRuby(on) {
      this.ruby = on;
      this.rubyButton.setAttribute("aria-pressed", String(on));
      this.box.classList.toggle("on", on);
      store.set("furigana", on ? "1" : "0");
      if (on) this.log.querySelectorAll(".answer[data-id]:not(.has-ruby)").forEach((message) => this.addRuby(message));
    }

    setSize(large) {
      this.box.classList.toggle("large", large);
      this.sizeButtons.forEach((button, index) => button.setAttribute("aria-pressed", String(index === (large ? 1 : 0))));
      store.set("size", large ? "large" : "normal");
    }

    async addRuby(message) {
      try {
        const entry = await this.call("/api/entries/" + encodeURIComponent(message.dataset.id) + "?furigana=1", { method: "GET" });
        const mark = message.best;
        const target = message.querySelector(".ruby");
        target.replaceChildren(...entry.answer_ruby.map((pieces, index) =>
          paragraph(entry.answer[index], mark && mark.paragraph === index ? mark : null, pieces)));
        // Heading, opinion and notices get readings too: a ruby twin beside each plain line.
        message.querySelectorAll("[data-field]").forEach((line) => {
          const pieces = (entry.text_ruby || {})[line.dataset.field];
          if (!pieces || line.nextSibling && line.nextSibling.dataset && line.nextSibling.dataset.twin) return;
          const twin = paragraph(line.textContent, null, pieces);
          twin.className = line.className + " ruby";
          twin.lang = "ja";
          twin.dataset.twin = "1";
          line.classList.add("plain");
          line.after(twin);
        });
        message.classList.add("has-ruby");
      } catch (error) { /* the plain text stays */ }
    }

    async welcome() {
      try {
        const data = await this.call("/api/starters", { method: "GET" });
        this.contact = data.contact_info;
        this.starterList = data.starters || [];
        if (this.starterList.length && !this.log.children.length) {
          this.idle = this.say("bot idle", el("p", { class: "label", text: this.t.starters }), this.chips(this.starterList));
        }
      } catch (error) { /* the question field still works */ }
    }

    async call(path, options) {
      const response = await fetch(this.endpoint + path, Object.assign({ headers: { "Content-Type": "application/json" } }, options));
      let data = null;
      try { data = await response.json(); } catch (e) { data = null; }
      if (!response.ok) throw new Error(data && data.error ? data.error.message : this.t.error);
      return data;
    }

    say(className, ...children) {
      const message = el("div", { class: "msg " + className }, ...children);
      this.log.append(message);
      return message;
    }

    // The resident's question at the top of the view, its answer below it.
    show(message) {
      if (message && message.scrollIntoView) message.scrollIntoView({ block: "start" });
    }

    async ask(text) {
      const question = (text || this.input.value).trim();
      if (!question) { this.input.focus(); return; }
      const t = this.t;
      if (this.idle) { this.idle.remove(); this.idle = null; }
      const mine = this.say("you", el("span", { class: "who", text: t.you + "：" }), el("span", { text: question }));
      this.input.value = "";
      clearTimeout(this.timer);
      this.suggestions.replaceChildren();
      this.button.disabled = true;
      const waiting = this.say("bot pending", el("p", { text: t.sending }));
      this.show(mine);
      try {
        const data = await this.call("/api/ask", { method: "POST", body: JSON.stringify({ question }) });
        // Show the question as the server kept it: personal numbers masked.
        mine.lastChild.textContent = data.question;
        waiting.remove();
        if (data.privacy_notice) this.say("bot notice", el("p", { lang: "ja", text: data.privacy_notice }));
        this.reply(data);
      } catch (error) {
        waiting.remove();
        this.say("bot error", el("p", { text: error.message || t.error }));
      } finally {
        this.button.disabled = false;
        this.input.focus({ preventScroll: true });
        this.show(mine);
      }
    }

    reply(data) {
      const t = this.t;
      if (data.starters && data.starters.length) this.starterList = data.starters;
      if (data.kind === "answer") {
        this.showEntry(data.answer, data.best_sentence, data.related, data.contact_info);
        return;
      }
      const own = { too_short: t.tooShort, not_japanese: t.notJapanese, no_answer: t.noAnswer, close: t.closeAnswer, help: t.help }[data.kind];
      const parts = [el("span", { class: "who", text: t.bot + "：" }), own ? el("p", { text: own }) : el("p", { lang: "ja", text: data.message })];
      const related = data.related && data.related.length;
      // close: the nearest published entries, labelled as related text, never as the answer
      if (related) parts.push(el("p", { class: "label", text: data.kind === "close" ? t.close : t.maybe }), this.relatedList(data.related));
      if ((!related || (data.kind !== "no_answer" && data.kind !== "close")) && this.starterList && this.starterList.length) {
        parts.push(el("p", { class: "label", text: t.starters }), this.chips(this.starterList));
      }
      if (data.kind !== "too_short" && data.kind !== "help") parts.push(this.contactBlock(data.contact_info || this.contact));
      this.say("bot", ...parts);
    }

    showEntry(entry, best, related, contact) {
      const t = this.t;
      const text = (value, attrs) => el("p", Object.assign({ lang: "ja" }, attrs), value);
      const feedback = el("div", { class: "row" }, el("span", { text: t.solved }));
      const links = related && related.length ? related : (entry.related || []).map((r) => ({ id: r.entry_id, question: r.title }));
      const vote = (helpful) => this.feedback(entry.id, helpful, feedback, links, contact || entry.contact_info);
      feedback.append(el("button", { type: "button", text: t.yes, onclick: () => vote(true) }),
        el("button", { type: "button", text: t.no, onclick: () => vote(false) }));
      const source = el("p", { class: "source", text: t.source + entry.citation + " " });
      const page = safeUrl(entry.source.url);
      if (page) source.append(el("a", { href: page, target: "_blank", rel: "noopener", text: t.page }));
      const plain = el("div", { class: "plain", lang: "ja" }, ...entry.answer.map((p, i) => paragraph(p, best && best.paragraph === i ? best : null)));
      const message = this.say("bot answer", el("span", { class: "who", text: t.bot + "：" }),
        el("p", { class: "label", text: entry.is_overview ? t.overview : t.answerFrom }),
        text(entry.heading || entry.question, { class: "q", "data-field": entry.heading ? "heading" : "question" }),
        entry.heading && !entry.is_overview && el("p", { class: "label", text: t.opinion }),
        entry.heading && !entry.is_overview && text(entry.question, { class: "opinion", "data-field": "question" }),
        plain, el("div", { class: "ruby", lang: "ja" }),
        entry.published_text && text(entry.published_text, { class: "dated", "data-field": "published_text" }),
        entry.stale_notice && text(entry.stale_notice, { class: "stale", role: "note", "data-field": "stale_notice" }),
        source, feedback,
        links.length && el("p", { class: "label", text: t.related }), links.length && this.relatedList(links),
        this.contactBlock(contact || entry.contact_info));
      message.dataset.id = entry.id;
      message.best = best;
      if (this.ruby) this.addRuby(message);
    }

    contactBlock(contact) {
      const t = this.t;
      if (!contact) return null;
      const list = el("dl");
      const row = (label, value) => { if (value) list.append(el("dt", { text: label }), el("dd", {}, value)); };
      const link = (href, label) => el("a", { href, target: "_blank", rel: "noopener", text: label });
      row(t.office, contact.department && !(contact.lines || []).length ? name(contact.department) : null);
      row(t.phone, contact.phone && link("tel:" + contact.phone.replace(/[^0-9+]/g, ""), contact.phone));
      row(t.hours, contact.hours && el("span", { lang: "ja", text: contact.hours }));
      const page = safeUrl(contact.url);
      row(t.web, page && link(page, page));
      return el("div", { class: "contact" }, el("p", { class: "label", text: t.contact }),
        ...(contact.lines || []).map((line) => el("p", { lang: "ja" }, ...telLinks(line))), list);
    }

    chips(questions) {
      return el("ul", { class: "chips" }, ...questions.map((q) =>
        el("li", {}, el("button", { type: "button", lang: "ja", text: q, onclick: () => this.ask(q) }))));
    }

    relatedList(items) {
      return el("ul", { class: "related" }, ...items.slice(0, 3).map((item) =>
        el("li", {}, el("button", { type: "button", lang: "ja", text: titleOf(item), onclick: () => this.open(item) }))));
    }

    async open(item) {
      const mine = this.say("you", el("span", { class: "who", text: this.t.you + "：" }), el("span", { text: titleOf(item) }));
      try {
        this.showEntry(await this.call("/api/entries/" + encodeURIComponent(item.id), { method: "GET" }), null, null, null);
      } catch (error) {
        this.say("bot error", el("p", { text: error.message || this.t.error }));
      }
      this.show(mine);
    }

    async feedback(entryId, helpful, row, links, contact) {
      row.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      try {
        await this.call("/api/feedback", { method: "POST", body: JSON.stringify({ entry_id: entryId, helpful }) });
        row.replaceChildren(el("span", { text: this.t.thanks }));
      } catch (error) {
        row.replaceChildren(el("span", { text: error.message || this.t.error }));
      }
      if (helpful) return;
      // 「いいえ」: never a dead end — other questions and whom to ask.
      const t = this.t;
      const next = this.say("bot way", el("p", { text: t.sorry }),
        links.length ? el("p", { class: "label", text: t.related }) : el("p", { class: "label", text: t.starters }),
        links.length ? this.relatedList(links) : this.chips(this.starterList || []),
        this.contactBlock(contact || this.contact));
      this.show(next);
    }

    suggestSoon() {
      clearTimeout(this.timer);
      const typed = this.input.value.trim();
      if (typed.length < 2) { this.suggestions.replaceChildren(); return; }
      this.timer = setTimeout(async () => {
        try {
          const data = await this.call("/api/suggest", { method: "POST", body: JSON.stringify({ q: typed }) });
          this.suggestions.replaceChildren(...data.suggestions.map((s) => el("option", { value: s.heading || s.question.split("\n")[0].slice(0, 120) })));
        } catch (error) { /* suggestions are optional */ }
      }, 250);
    }
  }

  customElements.define("kb-faq-widget", FaqWidget);
})();
