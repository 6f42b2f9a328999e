// The chat page: streams answers from /v1/chat/completions with the session cookie and the page's CSRF
// token (the API key never reaches the browser). Conversations are kept by the server, per user
// (/ui/api/conversations, sealed under the tenant's key), so nothing of them stays in this browser.
// Answers are Markdown rendered by markdown.js (DOM nodes only); questions are shown as typed.
"use strict";
(() => {
  const { t, api, json, el, $, confirmDelete, markdown } = window.siyada;
  const els = {
    model: $("model"), collections: $("collections"), messages: $("messages"), form: $("composer"),
    prompt: $("prompt"), send: $("send"), stop: $("stop"), note: $("privacy-note"), passage: $("passage"),
    history: $("history"), newChat: $("new-chat"), demo: $("demo-note"),
  };
  const tiers = {};  // model id -> "demo" | "general", from its card in /v1/models
  let chats = [];  // [{id, title, updated_at}], newest first
  let current = null;  // {id, title, messages}
  let controller = null;

  async function loadPickers() {
    const models = (await (await api("/v1/models")).json()).data.filter((m) => m.type === "chat");
    for (const m of models) {
      tiers[m.id] = m.tier;
      els.model.add(new Option(m.tier === "demo" ? `${m.id} (${t.demo_tag})` : m.id, m.id));
    }
    try {
      const cols = (await (await api("/v1/collections")).json()).data;
      // Grounded mode first: a tenant with documents gets answers quoted from them by default.
      for (const c of cols) els.collections.add(new Option(c.name, c.name, true, true));
    } catch (e) { /* collections are optional */ }
    showDemoNote();
  }

  const grounded = () => els.collections.selectedOptions.length > 0;
  // Free chat with a demo model is flagged before anything is asked.
  function showDemoNote() { els.demo.hidden = grounded() || tiers[els.model.value] !== "demo"; }

  async function save() {
    const body = { title: current.title, messages: current.messages };
    if (current.id) await api(`/ui/api/conversations/${current.id}`, { method: "PUT", json: body });
    else current.id = (await json("/ui/api/conversations", { method: "POST", json: body })).id;
    chats = chats.filter((c) => c.id !== current.id);
    chats.unshift({ id: current.id, title: current.title });
    renderHistory();
  }

  async function open(id) {
    current = await json(`/ui/api/conversations/${id}`);
    renderMessages();
    renderHistory();
  }

  function renderHistory() {
    els.history.replaceChildren(...chats.map((chat) => el("li", {},
      el("button", {
        type: "button", dir: "auto", onclick: () => open(chat.id).catch(showError),
        "aria-current": current && current.id === chat.id ? "true" : null,
      }, chat.title || "…"),
      el("button", {
        type: "button", class: "forget", onclick: () => forget(chat).catch(showError),
        "aria-label": `${t.delete}: ${chat.title || "…"}`,
      }, "×"))));
  }

  // Deleting a conversation removes it from the server for good (the user's right to erasure).
  async function forget(chat) {
    if (!confirmDelete(chat.title || "…")) return;
    await api(`/ui/api/conversations/${chat.id}`, { method: "DELETE" });
    chats = chats.filter((c) => c.id !== chat.id);
    if (current && current.id === chat.id) { current = null; renderMessages(); }
    renderHistory();
  }

  const showError = (e) => bubble("assistant", `${t.error}: ${e.message}`).li.classList.add("failed");

  function bubble(role, text) {
    const li = document.createElement("li");
    li.className = "msg " + role;
    const who = document.createElement("span");
    who.className = "who-label";
    who.textContent = role === "user" ? t.you : t.assistant;
    const body = document.createElement("div");
    body.className = "body";
    body.dir = "auto";
    if (role === "assistant") { body.classList.add("md"); body.replaceChildren(...markdown.render(text)); }
    else body.textContent = text;
    li.append(who, body);
    els.messages.append(li);
    return { li, body };
  }

  // The answer's Markdown, each [n] a chip that opens the cited passage.
  function renderAnswer(body, text, citations) {
    const cite = (n, marker) => {
      const c = (citations || []).find((x) => x.index === n);
      if (!c) return null;
      return el("button", {
        type: "button", class: "cite", onclick: () => openPassage(c),
        "aria-label": `${t.sources} ${n}: ${c.document_name}`,
      }, marker);
    };
    body.replaceChildren(...markdown.render(text, cite));
  }

  function renderCitations(li, citations) {
    if (!citations || !citations.length) return;
    const list = document.createElement("ol");
    list.className = "sources";
    for (const c of citations) {
      const item = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = `[${c.index}] ${c.document_name}` + (c.page ? ` · p. ${c.page}` : "") + (c.section ? ` · ${c.section}` : "");
      b.dir = "auto";
      b.addEventListener("click", () => openPassage(c));
      item.append(b);
      list.append(item);
    }
    li.append(list);
  }

  // An answer a demo model wrote freely carries its warning with it.
  function flagDemo(li) {
    li.classList.add("demo");
    li.querySelector(".who-label").after(el("p", { class: "demo-flag" }, t.demo_answer));
  }

  function openPassage(c) {
    els.passage.hidden = false;
    els.passage.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = `[${c.index}] ${c.document_name}`;
    h.dir = "auto";
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [c.collection, c.section, c.page ? `p. ${c.page}` : null].filter(Boolean).join(" · ");
    const quote = document.createElement("blockquote");
    quote.dir = "auto";
    // Highlights are offsets in the document; the quote starts at c.start.
    let at = 0;
    for (const hl of c.highlights || []) {
      const s = hl.start - c.start, e = hl.end - c.start;
      if (s < at || e > c.quote.length) continue;
      quote.append(c.quote.slice(at, s));
      const mark = document.createElement("mark");
      mark.textContent = c.quote.slice(s, e);
      quote.append(mark);
      at = e;
    }
    quote.append(c.quote.slice(at));
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "close");
    close.addEventListener("click", () => { els.passage.hidden = true; });
    els.passage.append(close, h, meta, quote);
    els.passage.focus();
    if (c.page) showRegion(c);
  }

  // A passage read by OCR: its page image with the cited lines boxed (a 404 means a page with a text
  // layer, nothing to show). The image comes through the API as a data: URL (the CSP allows no blob:).
  async function showRegion(c) {
    let region;
    try {
      region = await json(`/v1/documents/${encodeURIComponent(c.document_id)}/pages/${c.page}?start=${c.start}&end=${c.end}`);
    } catch (e) {
      return;
    }
    if (!region.image) return;
    const blob = await (await api(region.image)).blob();
    const src = await new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.readAsDataURL(blob);
    });
    const figure = el("figure", { class: "page-region" });
    const sheet = el("div", { class: "page-sheet" });  // the boxes' frame: exactly the image's size
    sheet.append(el("img", { src, alt: `${c.document_name} · p. ${c.page}` }));
    figure.append(sheet);
    for (const [x0, y0, x1, y1] of region.boxes) {
      const box = el("span", { class: "region-box" });
      box.style.left = `${(100 * x0) / region.width}%`;
      box.style.top = `${(100 * y0) / region.height}%`;
      box.style.width = `${(100 * (x1 - x0)) / region.width}%`;
      box.style.height = `${(100 * (y1 - y0)) / region.height}%`;
      sheet.append(box);
    }
    if (region.low_confidence) figure.append(el("figcaption", { class: "meta" }, t.ocr_low_confidence));
    els.passage.append(figure);
    figure.querySelector(".region-box")?.scrollIntoView({ block: "center" });
  }

  function renderMessages() {
    els.messages.replaceChildren();
    for (const m of current ? current.messages : []) {
      const { li, body } = bubble(m.role, m.content);
      if (m.role === "assistant") renderAnswer(body, m.content, m.citations);
      if (m.demo) flagDemo(li);
      if (m.citations) renderCitations(li, m.citations);
    }
  }

  async function ask(question) {
    if (!current) current = { id: null, title: question.slice(0, 60), messages: [] };
    current.messages.push({ role: "user", content: question });
    bubble("user", question);
    await answer();
  }

  async function answer() {
    const { li, body } = bubble("assistant", "");
    li.setAttribute("aria-busy", "true");
    controller = new AbortController();
    els.send.disabled = true;
    els.stop.disabled = false;
    const request = {
      model: els.model.value,
      stream: true,
      messages: current.messages.map(({ role, content }) => ({ role, content })),
    };
    const chosen = [...els.collections.selectedOptions].map((o) => o.value);
    if (chosen.length) request.collections = chosen;
    let text = "", failure = "", citations = null, demo = false, drawn = false;
    // Redraw at most once a frame while the answer streams.
    const draw = () => {
      if (drawn) return;
      drawn = true;
      requestAnimationFrame(() => { drawn = false; renderAnswer(body, text + failure, citations); });
    };
    try {
      const resp = await api("/v1/chat/completions", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(request), signal: controller.signal,
      });
      els.note.hidden = Number(resp.headers.get("X-Siyada-Pseudonymised") || 0) === 0;
      demo = !chosen.length && resp.headers.get("X-Siyada-Model-Tier") === "demo";
      if (demo) flagDemo(li);
      const reader = resp.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          for (const line of event.split("\n")) {
            if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
            const chunk = JSON.parse(line.slice(6));
            const delta = chunk.choices?.[0]?.delta?.content;
            if (delta) { text += delta; draw(); }
            if (chunk.citations) citations = chunk.citations;
          }
        }
      }
    } catch (e) {
      if (e.name !== "AbortError") {
        failure = (text ? "\n\n" : "") + `${t.error}: ${e.message}`;
        li.classList.add("failed");
      }
    } finally {
      li.removeAttribute("aria-busy");
      els.send.disabled = false;
      els.stop.disabled = true;
      controller = null;
    }
    current.messages.push({ role: "assistant", content: text, citations, demo });
    renderAnswer(body, text + failure, citations);
    renderCitations(li, citations);
    addTools(li, text);
    await save().catch(showError);
  }

  function addTools(li, text) {
    const tools = document.createElement("div");
    tools.className = "msg-tools";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = t.copy_text;
    copy.addEventListener("click", () => navigator.clipboard?.writeText(text));
    const again = document.createElement("button");
    again.type = "button";
    again.textContent = t.regenerate;
    again.addEventListener("click", async () => {
      if (current.messages.at(-1)?.role === "assistant") current.messages.pop();
      li.remove();
      await answer();
    });
    tools.append(copy, again);
    li.append(tools);
  }

  els.form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const question = els.prompt.value.trim();
    if (!question || controller) return;
    els.prompt.value = "";
    await ask(question);
    els.prompt.focus();
  });
  // Enter sends, Shift+Enter starts a new line: the keyboard alone runs the chat.
  els.prompt.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); els.form.requestSubmit(); }
  });
  els.stop.addEventListener("click", () => controller?.abort());
  els.model.addEventListener("change", showDemoNote);
  els.collections.addEventListener("change", showDemoNote);
  els.newChat.addEventListener("click", () => { current = null; renderMessages(); els.prompt.focus(); });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") els.passage.hidden = true; });

  // Reopen the latest conversation (e.g. after switching the interface language).
  async function start() {
    chats = (await json("/ui/api/conversations")).data;
    if (chats.length) await open(chats[0].id);
    else renderHistory();
  }
  start().catch(showError);
  loadPickers().catch(showError);
})();
