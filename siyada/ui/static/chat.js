// The chat page: streams answers from /v1/chat/completions with the session cookie and the page's CSRF
// token (the API key never reaches the browser). Conversations are kept by the server, per user
// (/ui/api/conversations, sealed under the tenant's key), so nothing of them stays in this browser.
// Answers are Markdown rendered by markdown.js (DOM nodes only), with their sources (answers.js);
// questions are shown as typed.
"use strict";
(() => {
  const { t, api, json, el, $, confirmDelete, markdown, answers } = window.siyada;
  const els = {
    model: $("model"), collections: $("collections"), messages: $("messages"), form: $("composer"),
    prompt: $("prompt"), send: $("send"), stop: $("stop"), note: $("privacy-note"), passage: $("passage"),
    history: $("history"), newChat: $("new-chat"), demo: $("demo-note"),
  };
  const tiers = {};  // model id -> "demo" | "general", from its card in /v1/models
  let chats = [];  // [{id, title, updated_at}], newest first
  let current = null;  // {id, title, messages}
  let controller = null;
  let started = false;  // the user began a chat before the history arrived: keep theirs, do not reopen

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

  const renderAnswer = (body, text, citations) => answers.renderAnswer(body, text, citations, els.passage);
  const renderCitations = (li, citations) => answers.renderCitations(li, citations, els.passage);

  // An answer a demo model wrote freely carries its warning with it.
  function flagDemo(li) {
    li.classList.add("demo");
    li.querySelector(".who-label").after(el("p", { class: "demo-flag" }, t.demo_answer));
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
    started = true;
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
      await answers.readChunks(resp, (chunk) => {
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) { text += delta; draw(); }
        if (chunk.citations) citations = chunk.citations;
      });
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
  els.newChat.addEventListener("click", () => {
    started = true;
    current = null;
    renderMessages();
    els.prompt.focus();
  });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") els.passage.hidden = true; });

  // Reopen the latest conversation (e.g. after switching the interface language).
  async function start() {
    const listed = (await json("/ui/api/conversations")).data;
    // a conversation saved while the list was on its way is newer than every listed one
    chats = [...chats.filter((c) => !listed.some((l) => l.id === c.id)), ...listed];
    // on a slow server the latest conversation can arrive after the user pressed "new chat" or asked:
    // opening it then would append their question to it
    const latest = chats.length && !started ? await json(`/ui/api/conversations/${chats[0].id}`) : null;
    if (latest && !started) {
      current = latest;
      renderMessages();
    }
    renderHistory();
  }
  start().catch(showError);
  loadPickers().catch(showError);
})();
