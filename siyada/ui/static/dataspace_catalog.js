// The data space's catalogue: published data sets with their DCAT fields and data card; for a tenant
// admin, its own data sets to upload, reclassify, describe and publish. Public /v1/dataspace API only.
"use strict";
(() => {
  const { t, json, el, $, button, when, number } = window.siyada;
  const admin = $("ds-title").dataset.admin === "yes";
  const tenant = $("ds-title").dataset.tenant;
  const ROLES = ["direct", "quasi", "sensitive", "other"];
  const NUMERIC = new Set(["integer", "number"]);
  let editing = null;

  const say = (id, text) => { $(id).textContent = text; $(id).hidden = false; };
  const fail = (id) => (e) => say(id, `${t.error} ${e.message}`);
  const clear = (...ids) => ids.forEach((id) => { $(id).hidden = true; });
  const cell = (value, props = {}) => el("td", props, value === null || value === undefined || value === "" ? "–" : String(value));
  const word = (prefix, value) => t[`${prefix}${value}`] || value;

  // A definition list of the fields that are filled; values are text, written in their own direction.
  const facts = (pairs) => el("dl", { class: "ds-facts" }, ...pairs
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .flatMap(([k, v]) => [el("dt", {}, k), el("dd", { dir: "auto" }, String(v))]));

  const period = (p) => (p ? `${p.start} – ${p.end}` : null);
  const bounds = (b) => Object.entries(b || {}).map(([c, v]) => `${c} [${v.lower}, ${v.upper}]`).join(" · ");

  function columnTable(columns, caption) {
    return el("div", { class: "scroll" }, el("table", {},
      el("caption", { class: "visually-hidden" }, caption),
      el("thead", {}, el("tr", {}, ...[t.ds_column, t.ds_type, t.ds_class].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...columns.map((c) => el("tr", {},
        cell(c.name, { dir: "auto" }), cell(c.type),
        cell(word("ds_role_", c.role) + (c.pseudonymised ? ` (${t.ds_pseudonymised})` : "")))))));
  }

  function describe(ds) {
    const m = ds.metadata || {};
    const c = ds.card || {};
    const head = `ds-${ds.id}`;
    return el("article", { class: "dataset", "aria-labelledby": head, "data-id": ds.id },
      el("h3", { id: head, dir: "auto" }, ds.title),
      m.description ? el("p", { dir: "auto" }, m.description) : null,
      facts([
        [t.ds_owner, ds.owner], [t.ds_publisher, m.publisher], [t.ds_theme, (m.theme || []).join(", ")],
        [t.ds_keywords, (m.keywords || []).join(", ")], [t.ds_access_rights, m.access_rights && word("ds_access_", m.access_rights)],
        [t.ds_license, m.license], [t.ds_temporal, period(m.temporal)], [t.ds_spatial, m.spatial],
        [t.ds_rows, number(ds.rows)], [t.added, ds.published_at && when(ds.published_at)],
      ]),
      el("h4", {}, t.ds_card),
      facts([
        [t.ds_legal_basis, c.legal_basis && word("ds_basis_", c.legal_basis)], [t.ds_cndp, c.cndp_authorisation],
        [t.ds_purpose_limits, c.purpose_limits], [t.ds_retention, c.retention_days], [t.ds_bounds, bounds(c.bounds)],
        [t.ds_categories, Object.entries(c.categories || {}).map(([k, v]) => `${k}: ${v.join(", ")}`).join(" · ")],
      ]),
      columnTable(ds.columns, `${t.ds_columns}: ${ds.title}`),
      el("p", {}, el("a", { href: `/ui/dataspace/request?dataset=${encodeURIComponent(ds.id)}` }, t.ds_ask_access)));
  }

  async function load() {
    const sets = (await json("/v1/dataspace/datasets")).data;
    const published = sets.filter((d) => d.status === "published");
    $("published-list").replaceChildren(...published.map(describe));
    $("no-published").hidden = published.length > 0;
    if (!admin) return sets;
    const own = sets.filter((d) => d.owner === tenant);
    $("yours-rows").replaceChildren(...own.map((d) => el("tr", { "data-id": d.id },
      cell(d.title, { dir: "auto" }), cell(d.id, { dir: "ltr" }), cell(number(d.rows)),
      cell(word("ds_state_", d.status)), cell(when(d.created_at)),
      el("td", {}, button(t.ds_edit, () => edit(d.id), { class: "link", "aria-label": `${t.ds_edit} ${d.title}` })))));
    $("no-yours").hidden = own.length > 0;
    return sets;
  }

  // ---- the owner's side ---------------------------------------------------------------------------
  async function upload(event) {
    event.preventDefault();
    clear("ds-error");
    const file = $("up-file").files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    const metadata = { title: $("up-title").value.trim(), description: $("up-description").value.trim() };
    form.append("metadata", JSON.stringify(metadata));
    say("upload-status", t.ds_uploading);
    try {
      const ds = await json("/v1/dataspace/datasets", { method: "POST", body: form });
      say("upload-status", t.ds_uploaded);
      $("upload-form").reset();
      await load();
      await edit(ds.id);
    } catch (e) {
      $("upload-status").hidden = true;
      fail("ds-error")(e);
    }
  }

  function roleSelect(c) {
    const select = el("select", { "aria-label": `${t.ds_class} ${c.name}`, "data-column": c.name, class: "role" },
      ...ROLES.map((r) => new Option(word("ds_role_", r), r, false, r === c.role)));
    return select;
  }

  function fill(ds) {
    editing = ds;
    const m = ds.metadata || {};
    const c = ds.card || {};
    $("editor-name").textContent = ds.title;
    $("column-rows").replaceChildren(...ds.columns.map((col) => el("tr", {},
      cell(col.name, { dir: "auto" }), cell(col.type), cell(col.distinct_count),
      el("td", {}, roleSelect(col)),
      cell(col.reason + (col.pseudonymised ? ` (${t.ds_pseudonymised})` : ""), { dir: "auto" }))));
    $("m-title").value = m.title || ds.title;
    $("m-publisher").value = m.publisher || "";
    $("m-theme").value = (m.theme || []).join(", ");
    $("m-keywords").value = (m.keywords || []).join(", ");
    $("m-access").value = m.access_rights || "";
    $("m-license").value = m.license || "";
    $("m-start").value = m.temporal?.start || "";
    $("m-end").value = m.temporal?.end || "";
    $("m-spatial").value = m.spatial || "";
    $("c-basis").value = c.legal_basis || "";
    $("c-cndp").value = c.cndp_authorisation || "";
    $("c-retention").value = c.retention_days || "";
    $("c-limits").value = c.purpose_limits || "";
    // Bounds are declared by the owner for each numeric column that is not an identifier (read from
    // the data, they would leak its extremes).
    const numeric = ds.columns.filter((col) => NUMERIC.has(col.type) && col.role !== "direct");
    const b = c.bounds || {};
    $("bound-rows").replaceChildren(...numeric.map((col) => el("tr", { "data-column": col.name },
      cell(col.name, { dir: "auto" }),
      el("td", {}, el("input", { type: "number", step: "any", class: "lower", "aria-label": `${t.ds_lower} ${col.name}`, value: b[col.name]?.lower ?? "" })),
      el("td", {}, el("input", { type: "number", step: "any", class: "upper", "aria-label": `${t.ds_upper} ${col.name}`, value: b[col.name]?.upper ?? "" })))));
    // Public categories (what values a column may take is itself published): DP groups by them only.
    const cats = c.categories || {};
    const textual = ds.columns.filter((col) => !NUMERIC.has(col.type) && col.role !== "direct");
    $("category-rows").replaceChildren(...textual.map((col) => el("tr", { "data-column": col.name },
      cell(col.name, { dir: "auto" }),
      el("td", {}, el("input", { class: "values", dir: "auto", "aria-label": `${t.ds_category_values} ${col.name}`, value: (cats[col.name] || []).join(", ") })))));
    $("c-checkers").value = (c.checkers || []).join(", ");
    $("editor").hidden = false;
  }

  async function edit(id) {
    clear("editor-status", "editor-error");
    fill(await json(`/v1/dataspace/datasets/${encodeURIComponent(id)}`));
    $("editor").scrollIntoView();
  }

  const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

  function patchBody() {
    const columns = {};
    for (const s of document.querySelectorAll("#column-rows select.role")) {
      const before = editing.columns.find((c) => c.name === s.dataset.column);
      if (before && before.role !== s.value) columns[s.dataset.column] = s.value;
    }
    const metadata = {};
    const put = (obj, key, value) => { if (value !== "" && value !== null && !(Array.isArray(value) && !value.length)) obj[key] = value; };
    put(metadata, "title", $("m-title").value.trim());
    put(metadata, "publisher", $("m-publisher").value.trim());
    put(metadata, "theme", list($("m-theme").value));
    put(metadata, "keywords", list($("m-keywords").value));
    put(metadata, "access_rights", $("m-access").value);
    put(metadata, "license", $("m-license").value.trim());
    if ($("m-start").value && $("m-end").value) metadata.temporal = { start: $("m-start").value, end: $("m-end").value };
    put(metadata, "spatial", $("m-spatial").value.trim());
    const card = {};
    put(card, "legal_basis", $("c-basis").value);
    put(card, "cndp_authorisation", $("c-cndp").value.trim());
    put(card, "purpose_limits", $("c-limits").value.trim());
    if ($("c-retention").value) card.retention_days = Number($("c-retention").value);
    const bounds = {};
    for (const row of document.querySelectorAll("#bound-rows tr")) {
      const lower = row.querySelector(".lower").value;
      const upper = row.querySelector(".upper").value;
      if (lower !== "" && upper !== "") bounds[row.dataset.column] = { lower: Number(lower), upper: Number(upper) };
    }
    if (Object.keys(bounds).length) card.bounds = bounds;
    // Sent only when filled: a server without these card fields then never sees them.
    const categories = {};
    for (const row of document.querySelectorAll("#category-rows tr")) {
      const values = list(row.querySelector(".values").value);
      if (values.length) categories[row.dataset.column] = values;
    }
    if (Object.keys(categories).length) card.categories = categories;
    const checkers = list($("c-checkers").value).map(Number);
    if (checkers.length) card.checkers = checkers;
    const body = { metadata };
    if (Object.keys(columns).length) body.columns = columns;
    if (Object.keys(card).length) body.card = card;
    return body;
  }

  async function save(event) {
    event?.preventDefault();
    clear("editor-status", "editor-error");
    try {
      const ds = await json(`/v1/dataspace/datasets/${encodeURIComponent(editing.id)}`, { method: "PATCH", json: patchBody() });
      fill(ds);
      say("editor-status", t.ds_saved);
      await load();
      return true;
    } catch (e) {
      fail("editor-error")(e);
      return false;
    }
  }

  async function publish() {
    if (!(await save())) return;
    try {
      fill(await json(`/v1/dataspace/datasets/${encodeURIComponent(editing.id)}/publish`, { method: "POST" }));
      say("editor-status", t.ds_published_ok);
      await load();
    } catch (e) {
      fail("editor-error")(e);  // 409 names each missing field
    }
  }

  if (admin) {
    $("upload-form").addEventListener("submit", upload);
    $("describe-form").addEventListener("submit", save);
    $("publish").addEventListener("click", publish);
    $("editor-close").addEventListener("click", () => { $("editor").hidden = true; editing = null; });
  }
  load().catch(fail("ds-error"));
})();
