// The citizen widget inside its iframe: asks the assistant with the page's conversation token (no
// cookie), streams the answer, shows the sources' titles, and takes a thumbs up/down with a comment.
// The DOM is built with textContent only, never innerHTML.
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("widget-config").textContent);
  const { el, $ } = window.siyada; // the web app's small element builder (common.js)
  const log = $("w-log");
  const input = $("w-input");
  const alertBox = $("w-alert");
  const history = [];
  let lang = config.lang;
  let busy = false;
  const w = (key) => config.words[lang][key];

  function setLanguage(code) {
    lang = code;
    document.documentElement.lang = code;
    document.documentElement.dir = code === "ar" || code === "ary" ? "rtl" : "ltr";
    for (const node of document.querySelectorAll("[data-w]")) node.textContent = w(node.dataset.w);
    for (const node of document.querySelectorAll("[data-wlabel]")) node.setAttribute("aria-label", w(node.dataset.wlabel));
  }

  // Keep the newest words in view while the answer streams.
  const follow = () => { log.scrollTop = log.scrollHeight; };

  function warn(text) {
    alertBox.textContent = text;
    alertBox.hidden = false;
  }

  async function post(action, body) {
    return fetch(`${config.base}/${action}`, {
      method: "POST",
      headers: { "Authorization": `Bearer ${config.token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
    });
  }

  async function failure(resp) {
    if (resp.status === 401) return w("expired");
    if (resp.status === 429) {
      try { return (await resp.json()).error.message; } catch (e) { return w("rate_limited"); }
    }
    return w("error");
  }

  function feedbackFor(item, questionId) {
    const comment = el("textarea", { rows: "2", maxlength: "1000", "aria-label": w("comment"), "data-wlabel": "comment", dir: "auto" });
    const box = el("div", { class: "w-rate" });
    let rating = null;
    // Words, not emoji: a phone without an emoji font would show empty boxes.
    const thumb = (value, key) => el("button", {
      type: "button", class: `w-thumb w-${value}`, "aria-pressed": "false", "data-w": key,
      onclick: (event) => {
        rating = value;
        for (const b of box.querySelectorAll(".w-thumb")) b.setAttribute("aria-pressed", String(b === event.currentTarget));
      },
    }, w(key));
    const send = el("button", {
      type: "button", class: "w-send-feedback", "data-w": "send_feedback",
      onclick: async () => {
        if (!rating) { box.querySelector(".w-thumb").focus(); return; }
        const resp = await post("feedback", { question_id: questionId, rating, comment: comment.value });
        if (resp.ok || resp.status === 409) box.replaceChildren(el("p", { role: "status", "data-w": "thanks" }, w("thanks")));
        else warn(await failure(resp));
      },
    }, w("send_feedback"));
    box.append(thumb("up", "helpful"), thumb("down", "not_helpful"), comment, send);
    item.append(box);
  }

  function sources(item, citations) {
    if (!citations.length) return;
    item.append(el("p", { class: "w-who", "data-w": "sources" }, w("sources")));
    item.append(el("ol", { class: "w-sources" }, ...citations.map((c) =>
      el("li", {}, el("bdi", {}, c.section ? `${c.title} — ${c.section}` : c.title)))));
  }

  async function ask(question) {
    if (busy || !question.trim()) return;
    busy = true;
    alertBox.hidden = true;
    const suggested = document.querySelector(".w-suggested");
    if (suggested) suggested.hidden = true; // the conversation needs the room now
    log.append(el("li", { class: "w-msg w-user" }, el("span", { class: "w-who", "data-w": "you" }, w("you")),
      el("p", { class: "w-body", dir: "auto" }, question)));
    const body = el("p", { class: "w-body", dir: "auto" });
    const item = el("li", { class: "w-msg w-assistant", "aria-busy": "true" },
      el("span", { class: "w-who", "data-w": "assistant" }, w("assistant")), body);
    body.textContent = w("answering");
    log.append(item);
    follow();
    history.push({ role: "user", content: question });
    try {
      const resp = await post("chat", { messages: history.slice(-8), lang });
      if (!resp.ok) {
        history.pop();
        item.remove();
        warn(await failure(resp));
        return;
      }
      let text = "";
      let done = null;
      const reader = resp.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      body.textContent = "";
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const line = buffer.slice(0, cut).trim();
          buffer = buffer.slice(cut + 2);
          if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
          const event = JSON.parse(line.slice(6));
          if (event.object === "widget.delta") { text += event.content; body.textContent = text; follow(); }
          if (event.object === "widget.done") done = event;
        }
      }
      history.push({ role: "assistant", content: text.slice(0, 2000) || "…" });
      if (done) {
        sources(item, done.citations);
        feedbackFor(item, done.question_id);
      }
      follow();
    } catch (e) {
      warn(w("error"));
    } finally {
      item.removeAttribute("aria-busy");
      busy = false;
    }
  }

  $("w-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value;
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("w-form").requestSubmit();
    }
  });
  for (const b of document.querySelectorAll(".w-suggestion")) b.addEventListener("click", () => ask(b.textContent));
  $("w-lang").addEventListener("change", (event) => setLanguage(event.target.value));
  // Escape closes the panel of the loader that embeds the widget (a message: the page is another origin).
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && window.parent !== window) window.parent.postMessage("siyada-widget:close", "*");
  });
})();
