// The chat page: streams answers from /v1/chat/completions with the session cookie and the page's CSRF
// token (the API key never reaches the browser). Conversations are kept in this browser's localStorage,
// per signed-in tenant and role; they hold what the user typed and read, never a credential.
"use strict";
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const t = JSON.parse(document.getElementById("words").textContent);
  const $ = (id) => document.getElementById(id);
  const els = {
    model: $("model"), collections: $("collections"), messages: $("messages"), form: $("composer"),
    prompt: $("prompt"), send: $("send"), stop: $("stop"), note: $("privacy-note"), passage: $("passage"),
    history: $("history"), newChat: $("new-chat"),
  };
  const storeKey = "siyada.chats." + (document.querySelector(".who")?.textContent || "");
  let chats = JSON.parse(localStorage.getItem(storeKey) || "[]");
  let current = null;
  let controller = null;

  const api = async (path, init = {}) => {
    const headers = { "X-CSRF-Token": csrf, ...(init.headers || {}) };
    const resp = await fetch(path, { credentials: "same-origin", ...init, headers });
    if (!resp.ok) {
      let message = resp.statusText;
      try { message = (await resp.json()).error.message; } catch (e) { /* not JSON */ }
      throw new Error(`${resp.status}: ${message}`);
    }
    return resp;
  };

  async function loadPickers() {
    const models = (await (await api("/v1/models")).json()).data.filter((m) => m.type === "chat");
    for (const m of models) els.model.add(new Option(m.id, m.id));
    try {
      const cols = (await (await api("/v1/collections")).json()).data;
      for (const c of cols) els.collections.add(new Option(c.name, c.name));
    } catch (e) { /* collections are optional */ }
  }

  const save = () => localStorage.setItem(storeKey, JSON.stringify(chats.slice(0, 50)));

  function renderHistory() {
    els.history.replaceChildren();
    for (const chat of chats) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = chat.title || "…";
      b.dir = "auto";
      b.addEventListener("click", () => { current = chat; renderMessages(); });
      li.append(b);
      els.history.append(li);
    }
  }

  function bubble(role, text) {
    const li = document.createElement("li");
    li.className = "msg " + role;
    const who = document.createElement("span");
    who.className = "who-label";
    who.textContent = role === "user" ? t.you : t.assistant;
    const body = document.createElement("div");
    body.className = "body";
    body.dir = "auto";
    body.textContent = text;
    li.append(who, body);
    els.messages.append(li);
    return { li, body };
  }

  function renderCitations(li, body, citations) {
    if (!citations || !citations.length) return;
    // Turn each [n] of the answer into a button that opens the cited passage.
    const text = body.textContent;
    body.replaceChildren();
    let last = 0;
    for (const m of text.matchAll(/\[(\d+)\]/g)) {
      const c = citations.find((x) => x.index === Number(m[1]));
      body.append(text.slice(last, m.index));
      if (c) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "cite";
        b.textContent = m[0];
        b.setAttribute("aria-label", `${t.sources} ${m[1]}: ${c.document_name}`);
        b.addEventListener("click", () => openPassage(c));
        body.append(b);
      } else body.append(m[0]);
      last = m.index + m[0].length;
    }
    body.append(text.slice(last));
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
  }

  function renderMessages() {
    els.messages.replaceChildren();
    for (const m of current ? current.messages : []) {
      const { li, body } = bubble(m.role, m.content);
      if (m.citations) renderCitations(li, body, m.citations);
    }
  }

  async function ask(question) {
    if (!current) {
      current = { title: question.slice(0, 60), messages: [] };
      chats.unshift(current);
    }
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
    let text = "", citations = null;
    try {
      const resp = await api("/v1/chat/completions", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(request), signal: controller.signal,
      });
      els.note.hidden = Number(resp.headers.get("X-Siyada-Pseudonymised") || 0) === 0;
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
            if (delta) { text += delta; body.textContent = text; }
            if (chunk.citations) citations = chunk.citations;
          }
        }
      }
    } catch (e) {
      if (e.name !== "AbortError") {
        body.textContent = text + (text ? "\n" : "") + `${t.error}: ${e.message}`;
        li.classList.add("failed");
      }
    } finally {
      li.removeAttribute("aria-busy");
      els.send.disabled = false;
      els.stop.disabled = true;
      controller = null;
    }
    current.messages.push({ role: "assistant", content: text, citations });
    renderCitations(li, body, citations);
    addTools(li, text);
    save();
    renderHistory();
  }

  function addTools(li, text) {
    const tools = document.createElement("div");
    tools.className = "msg-tools";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = t.copy;
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
  els.newChat.addEventListener("click", () => { current = null; renderMessages(); els.prompt.focus(); });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") els.passage.hidden = true; });

  // Reopen the latest conversation (e.g. after switching the interface language).
  current = chats[0] || null;
  renderHistory();
  renderMessages();
  loadPickers().catch((e) => bubble("assistant", `${t.error}: ${e.message}`));
})();
