// The documents page: collections, drag-and-drop upload of many files with per-file progress and the
// server's verdict on each, each document's chunks, deletion. It calls the public API only.
"use strict";
(() => {
  const { t, api, json, el, button, when, number, format, csrf, $, confirmDelete } = window.siyada;
  const drop = $("drop");
  const maxBytes = Number(drop.dataset.maxBytes);
  const mb = (bytes) => number(bytes / 1e6, 1);
  const PARALLEL = 2;  // two uploads at once: the server indexes in threads, more would only queue
  let selected = new URLSearchParams(location.search).get("collection");

  const path = (name) => `/v1/collections/${encodeURIComponent(name)}`;

  async function loadCollections() {
    const cols = (await json("/v1/collections")).data;
    $("no-collections").hidden = cols.length > 0;
    if (!cols.some((c) => c.name === selected)) selected = cols[0]?.name || null;
    $("collection-list").replaceChildren(...cols.map((c) => el("li", { class: c.name === selected ? "chosen" : "" },
      button(c.name, () => choose(c.name), {
        class: "link", dir: "auto", "aria-current": c.name === selected ? "true" : null,
      }),
      el("span", { class: "meta" }, ` ${number(c.documents)} ${t.documents.toLowerCase()} · ${number(c.chunks)}`
        + ` ${t.chunks.toLowerCase()} · ${c.embedding_model || t.lexical_only} `),
      button(t.delete, () => removeCollection(c), { class: "link danger", "aria-label": `${t.delete} ${c.name}` }))));
    $("collection-panel").hidden = !selected;
    if (selected) {
      $("collection-title").textContent = selected;
      await loadDocuments();
    }
  }

  async function choose(name) {
    selected = name;
    history.replaceState(null, "", `?collection=${encodeURIComponent(name)}`);
    $("document-view").hidden = true;
    await loadCollections();
  }

  async function loadDocuments() {
    const docs = (await json(`${path(selected)}/documents?limit=1000`)).data;
    $("no-documents").hidden = docs.length > 0;
    $("document-table").hidden = docs.length === 0;
    $("documents").replaceChildren(...docs.map((d) => el("tr", {},
      el("td", { dir: "auto" }, d.name, d.pseudonymised ? el("small", {}, ` (${t.pseudonymised_doc})`) : null),
      el("td", {}, d.format), el("td", {}, number(d.chunks)), el("td", {}, number(d.chars)),
      el("td", {}, when(d.created_at)),
      el("td", {},
        button(t.open, () => viewDocument(d), { class: "link", "aria-label": `${t.open} ${d.name}` }),
        button(t.delete, () => removeDocument(d), { class: "link danger", "aria-label": `${t.delete} ${d.name}` })))));
  }

  async function viewDocument(doc) {
    const chunks = (await json(`/v1/documents/${encodeURIComponent(doc.id)}/chunks`)).data;
    $("document-title").textContent = doc.title || doc.name;
    $("document-meta").textContent = `${doc.name} · ${doc.format} · ${doc.chunks} ${t.chunks.toLowerCase()} · ${doc.chars} ${t.characters.toLowerCase()}`;
    // Pages OCR read with a low confidence: the reader is told to check them against the page image.
    const flagged = doc.metadata?.ocr?.low_confidence_pages || [];
    if (flagged.length) {
      $("document-meta").append(el("span", { class: "ocr-flag" }, ` · ${t.ocr_pages_flagged} ${flagged.join(", ")}`));
    }
    $("chunks").replaceChildren(...chunks.map((c) => el("li", {},
      el("p", { class: "meta" }, [`#${c.index}`, c.section, c.page ? `${t.page} ${c.page}` : null].filter(Boolean).join(" · ")),
      el("p", { class: "chunk", dir: "auto" }, c.text))));
    const view = $("document-view");
    view.hidden = false;
    view.focus();
  }

  async function removeDocument(doc) {
    if (!confirmDelete(doc.name)) return;
    await api(`/v1/documents/${encodeURIComponent(doc.id)}`, { method: "DELETE" });
    $("document-view").hidden = true;
    await loadCollections();
  }

  async function removeCollection(col) {
    if (!confirmDelete(col.name)) return;
    await api(path(col.name), { method: "DELETE" });
    if (selected === col.name) selected = null;
    await loadCollections();
  }

  // Uploads: one row per file with a progress bar while sending, then the server's answer.
  function uploadRow(file) {
    const bar = el("progress", { max: 100, value: 0, "aria-label": file.name });
    const state = el("span", { class: "state" }, t.waiting);
    const li = el("li", { class: "upload" }, el("span", { class: "file", dir: "auto" }, file.name), bar, state);
    $("uploads-title").hidden = false;
    $("uploads").prepend(li);
    const finish = (text, ok) => {
      state.textContent = text;
      li.classList.add(ok ? "done" : "failed");
      if (!ok) li.setAttribute("role", "alert");
    };
    return { li, bar, state, finish };
  }

  function reason(status, body, file) {
    const message = body?.error?.message || "";
    const known = { 413: format(t.err_too_large, { size: mb(file.size), max: mb(maxBytes) }),
      415: t.err_unsupported, 422: t.err_malformed }[status];
    return `${t.error} ${status}: ${known ? known + " — " : ""}${message}`;
  }

  // While the server works on an upload, its progress (pages OCR has read, chunks embedded) is polled
  // by the id the upload was sent with (GET /v1/uploads/{id}); until then the bar shows the sending.
  const POLL_MS = 400;
  const uploadId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0")).join("");

  function showProgress(row, p) {
    if (p.stage === "reading" && p.pages.total) {
      row.bar.max = p.pages.total;
      row.bar.value = p.pages.done;
      const reading = Math.min(p.pages.done + 1, p.pages.total);
      row.state.textContent = format(t.reading_pages, { done: reading, total: p.pages.total });
    } else if (p.stage === "indexing" && p.chunks.total) {
      row.bar.max = p.chunks.total;
      row.bar.value = p.chunks.done;
      row.state.textContent = format(t.indexing_chunks, { done: p.chunks.done, total: p.chunks.total });
    }
  }

  function watch(id, row) {
    let stopped = false;
    const poll = async () => {
      if (stopped) return;
      try {
        const resp = await fetch(`/v1/uploads/${id}`, { credentials: "same-origin" });
        if (resp.ok && !stopped) showProgress(row, await resp.json());
      } catch (e) { /* the next poll, or the upload's own answer, tells */ }
      if (!stopped) setTimeout(poll, POLL_MS);
    };
    setTimeout(poll, POLL_MS);
    return () => { stopped = true; };
  }

  function send(file, row) {
    return new Promise((resolve) => {
      const form = new FormData();
      form.append("file", file);
      form.append("collection", selected);
      const id = uploadId();
      let unwatch = () => {};
      const xhr = new XMLHttpRequest();  // fetch() cannot report upload progress
      xhr.open("POST", "/v1/documents");
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("X-Upload-Id", id);
      xhr.upload.onprogress = (ev) => {
        if (!ev.lengthComputable) return;
        const pct = Math.round((100 * ev.loaded) / ev.total);
        row.bar.value = pct;
        row.state.textContent = pct < 100 ? format(t.sending, { pct }) : t.indexing;
      };
      xhr.upload.onload = () => {
        row.bar.value = 100;
        row.state.textContent = t.indexing;
        unwatch = watch(id, row);
      };
      xhr.onload = () => {
        unwatch();
        row.bar.max = 100;
        row.bar.value = 100;
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 401) window.siyada.toLogin();  // the session ended meanwhile
        const chunks = body?.data ? body.data.reduce((n, d) => n + d.chunks, 0) : body?.chunks;
        if (xhr.status === 201) row.finish(format(t.indexed, { n: chunks ?? "?" }), true);
        else if (xhr.status === 200) row.finish(t.already, true);
        else row.finish(reason(xhr.status, body, file), false);
        resolve();
      };
      xhr.onerror = () => { unwatch(); row.finish(`${t.error}: network`, false); resolve(); };
      xhr.send(form);
    });
  }

  async function uploadAll(files) {
    if (!selected || !files.length) return;
    const queue = [];
    for (const file of files) {
      const row = uploadRow(file);
      if (file.size > maxBytes) row.finish(format(t.err_too_large, { size: mb(file.size), max: mb(maxBytes) }), false);
      else if (file.size === 0) row.finish(`${t.error}: ${t.err_malformed}`, false);
      else queue.push([file, row]);
    }
    const worker = async () => { while (queue.length) { const [file, row] = queue.shift(); await send(file, row); } };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    await loadCollections();
  }

  $("files").addEventListener("change", (ev) => { uploadAll([...ev.target.files]); ev.target.value = ""; });
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    uploadAll([...ev.dataTransfer.files]);
  });

  $("new-collection").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const error = $("col-error");
    error.hidden = true;
    try {
      const body = { name: $("col-name").value.trim(), description: $("col-description").value.trim() };
      const embedding = $("col-embedding").value;
      if (embedding === "-") body.embedding_model = null;  // lexical search only
      else if (embedding) body.embedding_model = embedding;
      const created = await json("/v1/collections", { method: "POST", json: body });
      ev.target.reset();
      await choose(created.name);
    } catch (e) {
      error.textContent = `${t.error} ${e.message}`;
      error.hidden = false;
    }
  });
  $("close-document").addEventListener("click", () => { $("document-view").hidden = true; });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") $("document-view").hidden = true; });

  async function loadEmbeddings() {
    const models = (await json("/v1/models")).data.filter((m) => m.type === "embeddings");
    for (const m of models) $("col-embedding").add(new Option(m.id, m.id));
  }

  loadEmbeddings().catch(() => { /* the default and lexical choices remain */ });
  loadCollections().catch((e) => { $("no-collections").hidden = false; $("no-collections").textContent = `${t.error} ${e.message}`; });
})();
