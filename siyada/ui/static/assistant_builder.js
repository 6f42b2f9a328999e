// The assistants builder: the tenant's assistants, a form for every field of one (saving makes a new
// version), its version history (an old version can be shown, and saved again as the newest), retiring,
// and a live preview in which the unsaved draft answers through /v1/assistant-previews. An error the API
// names a field for (`param`) is shown next to that field.
"use strict";
(() => {
  const { t, api, json, el, $, button, when, format, answers } = window.siyada;
  const admin = $("as-title").dataset.admin === "yes";
  const LANGS = ["fr", "ar", "ary", "en"];
  const FIELDS = ["name", "description", "instructions", "model", "collections", "answer_mode", "retrieval_k",
    "privacy", "temperature", "greeting", "suggested_questions", "tools"];
  const NAME = /^[a-z0-9-]{1,48}$/;
  let current = null;  // the assistant being edited, its latest version (null: a new one)
  let versions = [];
  let shown = null;  // the version the form shows
  let conversation = [];  // the preview's messages
  let busy = false;

  const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);
  const status = (text) => { $("as-status").textContent = text; };
  function fail(e) {
    $("as-error").textContent = `${t.error} ${e.message}`;
    $("as-error").hidden = false;
  }

  // ---- the form ----
  function draft() {
    const temperature = $("f-temperature").value.trim();
    return {
      description: $("f-description").value,
      instructions: Object.fromEntries(LANGS.map((l) => [l, $(`f-instr-${l}`).value])),
      model: $("f-model").value,
      collections: [...$("f-collections").selectedOptions].map((o) => o.value),
      answer_mode: $("f-answer_mode").value || null,
      retrieval_k: Number($("f-retrieval_k").value),
      privacy: $("f-privacy").value,
      temperature: temperature === "" ? null : Number(temperature),
      greeting: $("f-greeting").value,
      suggested_questions: lines($("f-suggested_questions").value),
      tools: $("f-tools").value.split(",").map((s) => s.trim()).filter(Boolean),
    };
  }

  function fill(a) {
    $("f-name").value = a ? a.name : "";
    $("f-name").readOnly = Boolean(a);  // a name is for ever (assistant/NAME@2 keeps its meaning)
    $("f-description").value = a ? a.description : "";
    for (const l of LANGS) $(`f-instr-${l}`).value = a ? a.instructions[l] || "" : "";
    const model = $("f-model");
    if (a && ![...model.options].some((o) => o.value === a.model)) model.add(new Option(a.model, a.model));
    if (a) model.value = a.model;
    const chosen = new Set(a ? a.collections : []);
    for (const o of $("f-collections").options) o.selected = chosen.has(o.value);
    $("f-answer_mode").value = a && a.answer_mode ? a.answer_mode : "";
    $("f-retrieval_k").value = a ? a.retrieval_k : 5;
    $("f-privacy").value = a ? a.privacy : "external";
    $("f-temperature").value = a && a.temperature !== null ? a.temperature : "";
    $("f-greeting").value = a ? a.greeting : "";
    $("f-suggested_questions").value = a ? a.suggested_questions.join("\n") : "";
    $("f-tools").value = a ? a.tools.join(", ") : "";
    clearErrors();
    showIntro();
  }

  function clearErrors() {
    $("as-error").hidden = true;
    for (const f of FIELDS) {
      $(`err-${f}`).hidden = true;
      $(`err-${f}`).textContent = "";
    }
    for (const node of document.querySelectorAll("#as-form [aria-invalid]")) node.removeAttribute("aria-invalid");
  }

  // The API's `param` ("retrieval_k", "instructions.ar", "suggested_questions.2") names the field.
  function showError(e) {
    const [field, part] = String(e.param || "").split(".");
    if (!FIELDS.includes(field)) return fail(e);
    let input = $(`f-${field}`);
    if (field === "instructions") {
      const lang = LANGS.includes(part) ? part : LANGS[0];
      selectTab(lang);
      input = $(`f-instr-${lang}`);
    }
    const message = $(`err-${field}`);
    message.textContent = `${t.error} ${e.message.replace(/^\d+: /, "")}`;
    message.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    status(t.ab_fix);
  }

  // ---- instruction tabs (arrow keys move between them, as a tab list does) ----
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  function selectTab(lang) {
    for (const tab of tabs) {
      const on = tab.dataset.lang === lang;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !on;
    }
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab.dataset.lang));
    tab.addEventListener("keydown", (ev) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
      if (!step) return;
      const rtl = document.documentElement.dir === "rtl" ? -1 : 1;
      const next = tabs[(tabs.indexOf(tab) + step * rtl + tabs.length) % tabs.length];
      selectTab(next.dataset.lang);
      next.focus();
    });
  }

  // ---- the list and the history ----
  async function loadList() {
    const data = (await json("/v1/assistants?limit=1000")).data;
    $("as-none").hidden = data.length > 0;
    $("as-list").replaceChildren(...data.map((a) => el("li", { "data-name": a.name },
      el("button", {
        type: "button", class: "link", dir: "ltr", onclick: () => open(a.name).catch(fail),
        "aria-current": current && current.name === a.name ? "true" : null,
      }, a.name),
      el("span", { class: "meta" }, `v${a.version} · ${a.model}`))));
  }

  async function open(name) {
    current = await json(`/v1/assistants/${encodeURIComponent(name)}`);
    versions = (await json(`/v1/assistants/${encodeURIComponent(name)}/versions`)).data;
    show(current);
    $("as-editor-title").textContent = format(t.ab_editing, { name });
    if (admin) $("as-retire").hidden = false;
    resetPreview();
    await loadList();
  }

  function show(version) {
    shown = version;
    fill(version);
    const old = current && version.version !== current.version;
    $("as-viewing").hidden = !old;
    if (old) $("as-viewing").textContent = format(t.ab_viewing, { v: version.version, next: current.version + 1 });
    renderVersions();
  }

  function renderVersions() {
    $("as-history").hidden = !current;
    $("as-versions").replaceChildren(...[...versions].reverse().map((v) => el("li", { "data-version": v.version },
      el("span", {}, `${t.ab_version} ${v.version}`),
      el("span", { class: "meta" }, `${when(v.created_at)} · ${t.ab_by} ${v.created_by}`),
      button(t.ab_view, () => { status(""); show(v); resetPreview(); }, {
        class: "link", "aria-label": format(t.ab_view_version, { v: v.version }),
        "aria-current": shown && shown.version === v.version ? "true" : null,
      }))));
  }

  function startNew() {
    current = null;
    versions = [];
    shown = null;
    fill(null);
    $("as-editor-title").textContent = t.ab_new;
    $("as-viewing").hidden = true;
    $("as-retire").hidden = true;
    renderVersions();
    resetPreview();
    loadList().catch(fail);
    $("f-name").focus();
  }

  async function save(ev) {
    ev.preventDefault();
    clearErrors();
    status("");
    try {
      const saved = current
        ? await json(`/v1/assistants/${encodeURIComponent(current.name)}`, { method: "PATCH", json: draft() })
        : await json("/v1/assistants", { method: "POST", json: { name: $("f-name").value.trim(), ...draft() } });
      await open(saved.name);
      status(format(t.ab_saved, { v: saved.version }));
    } catch (e) {
      showError(e);
    }
  }

  async function retire() {
    if (!current || !confirm(format(t.ab_confirm_retire, { name: current.name }))) return;
    const name = current.name;
    try {
      await api(`/v1/assistants/${encodeURIComponent(name)}`, { method: "DELETE" });
      startNew();
      status(format(t.ab_retired, { name }));
    } catch (e) {
      fail(e);
    }
  }

  // ---- the live preview: the draft as it is in the form, nothing saved ----
  function bubble(role, text) {
    const body = el("div", { class: "body", dir: "auto" }, text);
    const li = el("li", { class: `msg ${role}` }, el("span", { class: "who-label" }, role === "user" ? t.you : t.ab_preview), body);
    $("pv-messages").append(li);
    return { li, body };
  }

  function showIntro() {
    if (!admin || conversation.length) return;
    const greeting = $("f-greeting").value.trim();
    $("pv-messages").replaceChildren();
    if (greeting) bubble("assistant", greeting).li.classList.add("greeting");
    $("pv-suggested").replaceChildren(...lines($("f-suggested_questions").value).slice(0, 10).map((q) =>
      button(q, () => ask(q), { dir: "auto" })));
  }

  function resetPreview() {
    if (!admin) return;
    conversation = [];
    $("pv-passage").hidden = true;
    showIntro();
  }

  async function ask(question) {
    if (busy) return;
    busy = true;
    $("pv-send").disabled = true;
    $("pv-suggested").replaceChildren();
    clearErrors();
    conversation.push({ role: "user", content: question });
    bubble("user", question);
    const { li, body } = bubble("assistant", "");
    li.setAttribute("aria-busy", "true");
    body.classList.add("md");
    const name = $("f-name").value.trim();
    const request = { ...draft(), messages: conversation, stream: true };
    if (NAME.test(name)) request.name = name;
    let text = "", citations = null;
    try {
      const resp = await api("/v1/assistant-previews", { method: "POST", json: request });
      await answers.readChunks(resp, (chunk) => {
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) { text += delta; answers.renderAnswer(body, text, citations, $("pv-passage")); }
        if (chunk.citations) citations = chunk.citations;
      });
      answers.renderAnswer(body, text, citations, $("pv-passage"));
      answers.renderCitations(li, citations, $("pv-passage"));
      conversation.push({ role: "assistant", content: text });
    } catch (e) {
      conversation.pop();  // the question was not answered: asking again sends it once
      li.classList.add("failed");
      body.textContent = `${t.error} ${e.message}`;
      showError(e);
    } finally {
      li.removeAttribute("aria-busy");
      busy = false;
      $("pv-send").disabled = false;
    }
  }

  // ---- wiring ----
  async function loadChoices() {
    const models = (await json("/v1/models")).data.filter((m) => m.type === "chat" && !m.id.startsWith("assistant/"));
    for (const m of models) $("f-model").add(new Option(m.id, m.id));
    const cols = (await json("/v1/collections")).data;
    for (const c of cols) $("f-collections").add(new Option(c.name, c.name));
  }

  if (admin) {
    $("as-form").addEventListener("submit", save);
    $("as-new").addEventListener("click", startNew);
    $("as-retire").addEventListener("click", retire);
    $("pv-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const q = $("pv-prompt").value.trim();
      if (!q) return;
      $("pv-prompt").value = "";
      ask(q);
    });
    $("pv-prompt").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); $("pv-form").requestSubmit(); }
    });
    $("pv-clear").addEventListener("click", resetPreview);
    $("f-greeting").addEventListener("input", showIntro);
    $("f-suggested_questions").addEventListener("input", showIntro);
    document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") $("pv-passage").hidden = true; });
  }

  (async () => {
    await loadChoices();
    await loadList();
    fill(null);
  })().catch(fail);
})();
