// A researcher asks for access: a published data set, a purpose, columns (never a direct identifier),
// modes, a duration and, for differential privacy, an ε budget. Then follows the request's decision.
"use strict";
(() => {
  const { t, json, el, $, when } = window.siyada;
  let sets = [];

  const say = (id, text) => { $(id).textContent = text; $(id).hidden = false; };
  const cell = (value, props = {}) => el("td", props, value === null || value === undefined || value === "" ? "–" : String(value));
  const title = (id) => sets.find((d) => d.id === id)?.title || id;

  function showColumns() {
    const ds = sets.find((d) => d.id === $("r-dataset").value);
    const usable = (ds?.columns || []).filter((c) => c.role !== "direct");
    $("r-columns").replaceChildren(...usable.map((c) => el("label", { class: "check", dir: "auto" },
      el("input", { type: "checkbox", name: "column", value: c.name }), ` ${c.name}`)));
  }

  async function loadRequests() {
    const rows = (await json("/v1/dataspace/requests")).data;
    $("request-rows").replaceChildren(...rows.map((r) => el("tr", { "data-id": r.id },
      cell(r.id, { dir: "ltr" }), cell(title(r.dataset), { dir: "auto" }), cell(r.purpose, { dir: "auto" }),
      cell(r.modes.map((m) => t[`ds_mode_${m}`] || m).join(", ")),
      cell(`${t[`ds_status_${r.status}`] || r.status} · ${when(r.decided_at || r.created_at)}`, { class: `state ${r.status}` }),
      el("td", {}, r.grant ? el("a", { href: `/ui/dataspace/workbench?grant=${encodeURIComponent(r.grant)}`, dir: "ltr" }, r.grant) : "–"))));
    $("no-requests").hidden = rows.length > 0;
  }

  async function send(event) {
    event.preventDefault();
    $("request-error").hidden = true;
    const checked = (name) => [...document.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    const modes = checked("mode");
    const body = {
      dataset: $("r-dataset").value,
      purpose: $("r-purpose").value.trim(),
      columns: checked("column"),
      modes,
      duration_days: Number($("r-days").value),
      epsilon: modes.includes("dp") ? Number($("r-epsilon").value) : 0,
    };
    try {
      const made = await json("/v1/dataspace/requests", { method: "POST", json: body });
      say("request-status", `${made.id} · ${t.ds_sent}`);
      await loadRequests();
    } catch (e) {
      say("request-error", `${t.error} ${e.message}`);
    }
  }

  async function load() {
    sets = (await json("/v1/dataspace/datasets")).data.filter((d) => d.status === "published");
    $("r-dataset").replaceChildren(...sets.map((d) => new Option(`${d.title} (${d.owner})`, d.id)));
    const wanted = new URLSearchParams(location.search).get("dataset");
    if (wanted && sets.some((d) => d.id === wanted)) $("r-dataset").value = wanted;
    showColumns();
    await loadRequests();
  }

  $("r-dataset").addEventListener("change", showColumns);
  $("request-form").addEventListener("submit", send);
  load().catch((e) => say("request-error", `${t.error} ${e.message}`));
})();
