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
      placeholder: "例：マイナンバーカードをなくしたら保険の情報はもれる？",
      send: "質問する",
      privacy: "個人番号（マイナンバー）・電話番号・保険証の番号などは入力しないでください。",
      you: "あなたの質問",
      bot: "回答",
      answerFrom: "市の回答（公表資料の原文）",
      source: "出典：",
      page: "公表ページ",
      solved: "解決しましたか？",
      yes: "はい",
      no: "いいえ",
      thanks: "ご協力ありがとうございました。",
      related: "関連する質問",
      maybe: "こちらの回答が参考になるかもしれません",
      sending: "回答を探しています…",
      error: "うまく送信できませんでした。時間をおいてもう一度お試しください。",
      log: "会話",
    },
    en: {
      title: "Health insurance & My Number card questions",
      intro: "Find the city's published answers. Ask in a sentence.",
      label: "Your question",
      placeholder: "e.g. If I lose my My Number card, can my insurance data leak?",
      send: "Ask",
      privacy: "Do not enter your Individual Number (My Number), phone number or insurance card numbers.",
      you: "You asked",
      bot: "Answer",
      answerFrom: "The city's answer (published text, in Japanese)",
      source: "Source: ",
      page: "Published page",
      solved: "Did this answer your question?",
      yes: "Yes",
      no: "No",
      thanks: "Thank you for your feedback.",
      related: "Related questions",
      maybe: "These answers may help",
      sending: "Searching…",
      error: "Could not send your question. Please try again later.",
      log: "Conversation",
    },
  };

  const CSS = `
:host { all: initial; display: block; max-width: 40rem; font-family: "Hiragino Sans","Noto Sans JP","Yu Gothic",Meiryo,sans-serif; font-size: 1rem; line-height: 1.7; color: #1a1a1a; }
* { box-sizing: border-box; }
.box { border: 2px solid #0b5394; border-radius: 8px; background: #fff; overflow: hidden; }
.head { background: #0b5394; color: #fff; padding: .5rem .9rem; }
h2 { font-size: 1.1rem; margin: 0; }
.intro { margin: .1rem 0 0; font-size: .9rem; }
.log { max-height: 28rem; overflow-y: auto; padding: .75rem; display: flex; flex-direction: column; gap: .6rem; }
.msg { border-radius: 6px; padding: .5rem .75rem; max-width: 100%; overflow-wrap: anywhere; }
.you { align-self: flex-end; background: #e8f0fb; border: 1px solid #9bb8de; white-space: pre-wrap; }
.bot { align-self: stretch; background: #f7f7f7; border: 1px solid #c8c8c8; }
.who { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.label { font-size: .85rem; color: #4a4a4a; margin: 0 0 .2rem; }
.q { font-weight: bold; margin: 0 0 .4rem; white-space: pre-line; }
p { margin: 0 0 .5rem; }
strong.best { background: #fff1a8; font-weight: bold; }
.source { font-size: .85rem; color: #4a4a4a; }
.notice { border-left: 4px solid #b45f06; background: #fff4e5; }
.error { border-left: 4px solid #a61c00; background: #fdecea; }
a { color: #0b5394; }
button { font: inherit; font-size: .95rem; cursor: pointer; border-radius: 4px; padding: .35rem .8rem; border: 1px solid #0b5394; background: #fff; color: #0b5394; min-height: 44px; }
button.primary { background: #0b5394; color: #fff; }
button:disabled { opacity: .6; cursor: default; }
:focus-visible { outline: 3px solid #e36c09; outline-offset: 2px; }
.row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.related { display: flex; flex-direction: column; align-items: flex-start; gap: .4rem; margin: .3rem 0 0; padding: 0; list-style: none; }
.related button { text-align: left; }
form { border-top: 1px solid #c8c8c8; padding: .75rem; display: flex; flex-direction: column; gap: .4rem; }
label { font-weight: bold; }
.entry { display: flex; gap: .5rem; flex-wrap: wrap; }
input { flex: 1 1 12rem; min-width: 0; font: inherit; padding: .5rem; border: 1px solid #6b6b6b; border-radius: 4px; color: #1a1a1a; background: #fff; min-height: 44px; }
.privacy { font-size: .85rem; color: #4a4a4a; margin: 0; }
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
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  let counter = 0;
  // Long published opinions make unwieldy buttons: show their opening only.
  const short = (text) => { const line = text.split("\n")[0]; return line.length > 60 ? line.slice(0, 60) + "…" : line; };

  class FaqWidget extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const t = (this.t = LABELS[this.getAttribute("lang") === "en" ? "en" : "ja"]);
      this.endpoint = (this.getAttribute("endpoint") || DEFAULT_ENDPOINT).replace(/\/+$/, "");
      const id = "kbw" + ++counter;
      const root = this.attachShadow({ mode: "open" });
      styles(root);
      this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": t.log, tabindex: "0" });
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
      root.append(el("section", { class: "box", "aria-labelledby": id + "-title" },
        el("div", { class: "head" }, el("h2", { id: id + "-title", text: t.title }), el("p", { class: "intro", text: t.intro })),
        this.log, form));
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
      message.scrollIntoView({ block: "nearest" });
      return message;
    }

    async ask() {
      const question = this.input.value.trim();
      if (!question) { this.input.focus(); return; }
      const t = this.t;
      const mine = this.say("you", el("span", { class: "who", text: t.you + "：" }), el("span", { text: question }));
      this.input.value = "";
      this.button.disabled = true;
      const waiting = this.say("bot pending", el("p", { text: t.sending }));
      try {
        const data = await this.call("/api/ask", { method: "POST", body: JSON.stringify({ question }) });
        // Show the question as the server kept it: personal numbers masked.
        mine.lastChild.textContent = data.question;
        waiting.remove();
        if (data.privacy_notice) this.say("bot notice", el("p", { text: data.privacy_notice }));
        this.reply(data);
      } catch (error) {
        waiting.remove();
        this.say("bot error", el("p", { text: error.message || t.error }));
      } finally {
        this.button.disabled = false;
        this.input.focus();
      }
    }

    reply(data) {
      const t = this.t;
      if (data.kind === "answer") {
        this.showEntry(data.answer, data.best_sentence, data.related);
        return;
      }
      const parts = [el("span", { class: "who", text: t.bot + "：" }), el("p", { text: data.message })];
      if (data.related && data.related.length) parts.push(el("p", { class: "label", text: t.maybe }), this.relatedList(data.related));
      this.say("bot", ...parts);
    }

    showEntry(entry, best, related) {
      const t = this.t;
      const paragraphs = entry.answer.map((text, index) => {
        if (!best || best.paragraph !== index) return el("p", { text });
        return el("p", {}, text.slice(0, best.start), el("strong", { class: "best", text: text.slice(best.start, best.end) }), text.slice(best.end));
      });
      const source = el("p", { class: "source", text: t.source + entry.citation + " " });
      if (entry.source.url) source.append(el("a", { href: entry.source.url, target: "_blank", rel: "noopener", text: t.page }));
      const feedback = el("div", { class: "row" }, el("span", { text: t.solved }));
      const vote = (helpful) => this.feedback(entry.id, helpful, feedback);
      feedback.append(el("button", { type: "button", text: t.yes, onclick: () => vote(true) }),
        el("button", { type: "button", text: t.no, onclick: () => vote(false) }));
      const parts = [el("span", { class: "who", text: t.bot + "：" }), el("p", { class: "label", text: t.answerFrom }),
        el("p", { class: "q", text: entry.question }), ...paragraphs, source, feedback];
      const links = related && related.length ? related : (entry.related || []).map((r) => ({ id: r.entry_id, question: r.title }));
      if (links.length) parts.push(el("p", { class: "label", text: t.related }), this.relatedList(links));
      this.say("bot answer", ...parts);
    }

    relatedList(items) {
      return el("ul", { class: "related" }, ...items.slice(0, 3).map((item) =>
        el("li", {}, el("button", { type: "button", text: short(item.question), onclick: () => this.open(item) }))));
    }

    async open(item) {
      this.say("you", el("span", { class: "who", text: this.t.you + "：" }), el("span", { text: short(item.question) }));
      try {
        this.showEntry(await this.call("/api/entries/" + encodeURIComponent(item.id), { method: "GET" }), null, null);
      } catch (error) {
        this.say("bot error", el("p", { text: error.message || this.t.error }));
      }
    }

    async feedback(entryId, helpful, row) {
      row.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      try {
        await this.call("/api/feedback", { method: "POST", body: JSON.stringify({ entry_id: entryId, helpful }) });
        row.replaceChildren(el("span", { text: this.t.thanks }));
      } catch (error) {
        row.replaceChildren(el("span", { text: error.message || this.t.error }));
      }
    }

    suggestSoon() {
      clearTimeout(this.timer);
      const typed = this.input.value.trim();
      if (typed.length < 2) { this.suggestions.replaceChildren(); return; }
      this.timer = setTimeout(async () => {
        try {
          const data = await this.call("/api/suggest", { method: "POST", body: JSON.stringify({ q: typed }) });
          this.suggestions.replaceChildren(...data.suggestions.map((s) => el("option", { value: s.question.split("\n")[0].slice(0, 120) })));
        } catch (error) { /* suggestions are optional */ }
      }, 250);
    }
  }

  customElements.define("kb-faq-widget", FaqWidget);
})();
