// The researcher's workbench: with a grant, build a table request (group-by, measures, filters) or
// write one aggregate SQL query, see the ε left, and submit; the result waits in the airlock.
"use strict";
(() => {
  const { t, json, el, $, button, when, number, format } = window.siyada;
  const available = $("ds-title").dataset.available === "yes";
  const AGGS = ["count", "sum", "mean", "quantile"];
  const OPS = ["=", "!=", "<", "<=", ">", ">=", "in"];
  const NUMERIC = new Set(["integer", "number"]);
  let grants = [];
  let grant = null;
  let types = {};

  const say = (id, text) => { $(id).textContent = text; $(id).hidden = false; };
  const fail = (e) => say("query-error", `${t.error} ${e.message}`);
  const options = (values, label = (v) => v) => values.map((v) => new Option(label(v), v));

  function epsilonLine(g) {
    if (!g.epsilon_budget) return "";
    const left = Math.max(0, g.epsilon_budget - g.epsilon_spent);
    return format(t.ds_epsilon_left, { left: number(left, 3), budget: number(g.epsilon_budget, 3) });
  }

  function measureRow() {
    const agg = el("select", { class: "agg", "aria-label": t.ds_agg }, ...options(AGGS, (a) => t[`ds_agg_${a}`]));
    const column = el("select", { class: "column", "aria-label": t.ds_column },
      new Option(t.ds_records, ""), ...options(grant.columns.filter((c) => NUMERIC.has(types[c]))));
    const q = el("input", { class: "q", type: "number", min: "0", max: "1", step: "0.05", value: "0.5", "aria-label": "q (0–1)", hidden: true });
    agg.addEventListener("change", () => { q.hidden = agg.value !== "quantile"; });
    const row = el("li", { class: "measure row-form" }, agg, column, q);
    row.append(button(t.ds_remove, () => row.remove(), { class: "link" }));
    return row;
  }

  function filterRow() {
    const row = el("li", { class: "filter row-form" },
      el("select", { class: "column", "aria-label": t.ds_column }, ...options(grant.columns)),
      el("select", { class: "op", "aria-label": t.ds_operator }, ...options(OPS)),
      el("input", { class: "value", "aria-label": t.ds_filter_value, dir: "auto" }));
    row.append(button(t.ds_remove, () => row.remove(), { class: "link" }));
    return row;
  }

  function pick(id) {
    grant = grants.find((g) => g.id === id);
    const ds = grant.dataset_title || grant.dataset;
    $("w-grant-facts").textContent = `${ds} · ${t.ds_columns}: ${grant.columns.join(", ")} · ${t.ds_modes}: `
      + `${grant.modes.map((m) => t[`ds_mode_${m}`] || m).join(", ")} · ${t.ds_expires} ${when(grant.expires_at)}`;
    $("w-epsilon").textContent = epsilonLine(grant);
    if (!available) return;
    $("w-mode").replaceChildren(...options(grant.modes, (m) => t[`ds_mode_${m}`] || m));
    $("w-group").replaceChildren(...grant.columns.map((c) => el("label", { class: "check", dir: "auto" },
      el("input", { type: "checkbox", name: "group", value: c }), ` ${c}`)));
    $("w-measures").replaceChildren(measureRow());
    $("w-filters").replaceChildren();
    showMode();
    $("builder").hidden = false;
  }

  function showMode() {
    const mode = $("w-mode").value;
    $("table-part").hidden = mode === "sql";
    $("sql-part").hidden = mode !== "sql";
    $("eps-part").hidden = mode !== "dp";
  }

  const typed = (column, text) => (NUMERIC.has(types[column]) && text.trim() !== "" && !Number.isNaN(Number(text)) ? Number(text) : text.trim());

  function body() {
    const mode = $("w-mode").value;
    const out = { grant: grant.id, mode };
    if (mode === "sql") out.sql = $("w-sql").value;
    else {
      out.table = {
        group_by: [...document.querySelectorAll("#w-group input:checked")].map((i) => i.value),
        measures: [...document.querySelectorAll("#w-measures li")].map((li) => {
          const m = { agg: li.querySelector(".agg").value };
          const column = li.querySelector(".column").value;
          if (column) m.column = column;
          if (m.agg === "quantile") m.q = Number(li.querySelector(".q").value);
          return m;
        }),
        filters: [...document.querySelectorAll("#w-filters li")].map((li) => {
          const column = li.querySelector(".column").value;
          const op = li.querySelector(".op").value;
          const text = li.querySelector(".value").value;
          const value = op === "in" ? text.split(",").map((v) => typed(column, v)) : typed(column, text);
          return { column, op, value };
        }),
      };
    }
    if (mode === "dp") out.epsilon = Number($("w-eps").value);
    return out;
  }

  function evidence(checks) {
    if (!checks?.length) return el("p", { class: "meta" }, t.ds_no_checks);
    return el("ul", { class: "checks-list" }, ...checks.map((c) => el("li", { dir: "auto" },
      [c.rule, (c.cell || []).join(" × "), c.measure, c.detail || c.reason].filter(Boolean).join(" · "))));
  }

  async function submit(event) {
    event.preventDefault();
    $("query-error").hidden = true;
    try {
      const result = await json("/v1/dataspace/queries", { method: "POST", json: body() });
      const line = format(result.status === "refused" ? t.ds_query_refused : t.ds_query_pending, { id: result.id });
      const charged = result.epsilon_charged ? format(t.ds_epsilon_charged, { eps: number(result.epsilon_charged, 3) }) : null;
      $("query-result").replaceChildren(...[
        el("p", { class: `state ${result.status}` }, line, " ", result.status === "refused" ? null : el("a", { href: "/ui/dataspace/airlock" }, t.ds_airlock)),
        charged ? el("p", {}, charged) : null,
        el("h3", {}, t.ds_checks), evidence(result.checks),
      ].filter(Boolean));
      $("query-result").dataset.output = result.id;
      $("query-result").hidden = false;
    } catch (e) {
      fail(e);
    }
    await refreshGrant();
  }

  async function refreshGrant() {
    const fresh = await json(`/v1/dataspace/grants/${encodeURIComponent(grant.id)}`);
    Object.assign(grant, fresh);
    $("w-epsilon").textContent = epsilonLine(grant);
  }

  async function load() {
    const [requests, sets] = await Promise.all([json("/v1/dataspace/requests"), json("/v1/dataspace/datasets")]);
    const titles = new Map(sets.data.map((d) => [d.id, d]));
    const fetched = await Promise.all(requests.data.filter((r) => r.grant)
      .map((r) => json(`/v1/dataspace/grants/${encodeURIComponent(r.grant)}`).catch(() => null)));
    grants = fetched.filter((g) => g && g.status === "active");
    for (const g of grants) g.dataset_title = titles.get(g.dataset)?.title;
    $("no-grant").hidden = grants.length > 0;
    $("grant-pick").hidden = grants.length === 0;
    if (!grants.length) return;
    $("w-grant").replaceChildren(...grants.map((g) => new Option(`${g.dataset_title || g.dataset} · ${g.id}`, g.id)));
    const wanted = new URLSearchParams(location.search).get("grant");
    if (wanted && grants.some((g) => g.id === wanted)) $("w-grant").value = wanted;
    const chosen = () => {
      const g = grants.find((x) => x.id === $("w-grant").value);
      types = Object.fromEntries((titles.get(g.dataset)?.columns || []).map((c) => [c.name, c.type]));
      pick(g.id);
    };
    $("w-grant").addEventListener("change", chosen);
    chosen();
  }

  if (available) {
    $("w-mode").addEventListener("change", showMode);
    $("add-measure").addEventListener("click", () => $("w-measures").append(measureRow()));
    $("add-filter").addEventListener("click", () => $("w-filters").append(filterRow()));
    $("query-form").addEventListener("submit", submit);
  }
  load().catch((e) => { if (available) fail(e); });
})();
