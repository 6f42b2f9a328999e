// The airlock: outputs pending, released and refused, each with its checks' evidence. The owner's
// admin approves or rejects a pending output; a download link exists only once an output is released
// (the server refuses a pending one anyway: 403).
"use strict";
(() => {
  const { t, json, el, $, button, when } = window.siyada;
  const admin = $("ds-title").dataset.admin === "yes";
  const RELEASED = new Set(["released", "approved"]);

  const fail = (e) => { $("airlock-error").textContent = `${t.error} ${e.message}`; $("airlock-error").hidden = false; };
  const WAITING = new Set(["pending", "running"]);
  const group = (o) => (RELEASED.has(o.status) ? "released" : WAITING.has(o.status) ? "pending" : "refused");

  function evidence(checks) {
    if (!checks?.length) return el("p", { class: "meta" }, t.ds_no_checks);
    return el("ul", { class: "checks-list" }, ...checks.map((c) => el("li", { dir: "auto" },
      [c.rule, (c.cell || []).join(" × "), c.measure, c.detail || c.reason].filter(Boolean).join(" · "))));
  }

  // The table as the checks left it (hidden cells shown as such, never a value), when the API shows it.
  function table(o) {
    const data = o.table || o.result;
    if (!data?.columns || !Array.isArray(data.rows)) return null;
    return el("div", { class: "scroll" }, el("table", {},
      el("caption", {}, `${t.ds_table} ${o.id}`),
      el("thead", {}, el("tr", {}, ...data.columns.map((c) => el("th", { scope: "col", dir: "auto" }, String(c))))),
      el("tbody", {}, ...data.rows.map((r) => el("tr", {}, ...r.map((v) => el("td", { dir: "auto" }, v === null ? t.ds_hidden_cell : String(v))))))));
  }

  function item(o) {
    const state = group(o);
    const actions = [];
    if (state === "pending" && admin) {
      actions.push(button(t.ds_approve, () => decide(o, "approve"), { class: "approve", "aria-label": `${t.ds_approve} ${o.id}` }), " ",
        button(t.ds_reject, () => decide(o, "reject"), { class: "link danger", "aria-label": `${t.ds_reject} ${o.id}` }));
    }
    if (state === "released") {
      actions.push(el("a", { href: `/v1/dataspace/outputs/${encodeURIComponent(o.id)}/download`, download: "", class: "download" }, `${t.ds_download} ${o.id}`));
    } else if (state === "pending") {
      actions.push(el("span", { class: "meta" }, ` ${t.ds_download_after}`));
    }
    return el("li", { class: `card output ${state}`, "data-id": o.id, "data-table": o.table ? "yes" : "" },
      el("h3", {}, `${t.ds_output} `, el("span", { dir: "ltr" }, o.id)),
      el("p", { class: "meta" }, [o.grant && `${t.ds_grant} ${o.grant}`, o.mode && (t[`ds_mode_${o.mode}`] || o.mode),
        `${t[`ds_status_${o.status}`] || o.status}`, o.created_at && when(o.created_at)].filter(Boolean).join(" · ")),
      el("h4", {}, t.ds_checks), evidence(o.checks),
      table(o),  // the API shows it to the checkers, and to the researcher once released
      el("p", { class: "actions" }, ...actions));
  }

  async function decide(o, verb) {
    $("airlock-error").hidden = true;
    await json(`/v1/dataspace/outputs/${encodeURIComponent(o.id)}/${verb}`, { method: "POST", json: {} }).catch(fail);
    await load();
  }

  async function load() {
    const outputs = (await json("/v1/dataspace/outputs")).data;
    for (const state of ["pending", "released", "refused"]) {
      const mine = outputs.filter((o) => group(o) === state);
      const section = $(`outputs-${state}`);
      section.querySelector(".outputs").replaceChildren(...mine.map(item));
      section.querySelector(".empty").hidden = mine.length > 0;
    }
  }

  load().catch(fail);
})();
