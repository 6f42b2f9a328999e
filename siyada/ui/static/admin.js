// The admin page: tenants, keys (a new key's secret is shown once, never stored here), quotas, usage
// charts per tenant/model/day, and the audit log with its chain verification. Public admin API only.
"use strict";
(() => {
  const { t, api, json, el, button, when, number, format, $, confirmDelete } = window.siyada;
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = ["#1f6b4a", "#0b5394", "#b35900", "#7b3f99", "#a4000f", "#4d6b00", "#006d77", "#6b4f1f"];
  let tenants = [];
  let keys = [];
  let auditCursor = null;
  // A tenant admin's page covers its own tenant only; the server refuses the rest anyway.
  const operator = $("admin-title").dataset.operator === "yes";
  const ownTenant = $("admin-title").dataset.tenant;

  const cell = (value, props = {}) => el("td", props, value === null || value === undefined ? "–" : String(value));
  const fail = (id) => (e) => { $(id).textContent = `${t.error} ${e.message}`; $(id).hidden = false; };
  const clear = (id) => { $(id).hidden = true; };
  const all = async (path) => {  // every page of an admin list
    const rows = [];
    for (let after = ""; ;) {
      const page = await json(`${path}${path.includes("?") ? "&" : "?"}limit=1000${after ? `&after=${after}` : ""}`);
      rows.push(...page.data);
      if (!page.has_more) return rows;
      after = page.next;
    }
  };

  async function loadTenants() {
    tenants = operator ? await all("/v1/admin/tenants")
      : [await json(`/v1/admin/tenants/${encodeURIComponent(ownTenant)}`)];
    $("tenant-rows").replaceChildren(...tenants.map((x) => el("tr", {},
      cell(x.name), cell(x.description, { dir: "auto" }),
      cell(x.allowed_models ? x.allowed_models.join(", ") : t.all_models), cell(when(x.created_at)))));
    const options = () => tenants.map((x) => new Option(x.name, x.name));
    $("key-tenant").replaceChildren(...options());
    $("user-tenant").replaceChildren(...options());
    $("usage-tenant").replaceChildren(...(operator ? [new Option(t.all_models, "")] : []), ...options());
  }

  async function loadKeys() {
    keys = await all("/v1/admin/keys");
    $("key-rows").replaceChildren(...keys.map((k) => el("tr", {},
      cell(k.id), cell(k.tenant), cell(k.name, { dir: "auto" }), cell(k.role), cell(k.prefix, { dir: "ltr" }),
      cell(when(k.created_at)), cell(k.revoked_at ? `${t.revoked} ${when(k.revoked_at)}` : t.active),
      // A user's key is managed through the user (disable/enable), not revoked on its own.
      el("td", {}, k.name.startsWith("user:") ? el("a", { href: "#users" }, t.user_key) : k.revoked_at ? null : button(t.revoke, () => revoke(k), {
        class: "link danger", "aria-label": `${t.revoke} ${k.id} (${k.tenant} ${k.name})`,
      })))));
    const owners = [
      // A tenant-wide limit is the platform's allotment: an operator sets it.
      ...(operator ? tenants : []).map((x) => new Option(`${t.tenant}: ${x.name}`, `tenant:${x.name}`)),
      ...keys.filter((k) => !k.revoked_at).map((k) => new Option(`key ${k.id} · ${k.tenant} ${k.name}`, `key:${k.id}`)),
    ];
    $("limit-owner").replaceChildren(...owners);
  }

  async function loadUsers() {
    const users = await all("/v1/admin/users");
    $("user-rows").replaceChildren(...users.map((u) => el("tr", {},
      cell(u.username), cell(u.tenant), cell(u.role), cell(when(u.created_at)),
      cell(u.disabled ? t.disabled : t.active),
      el("td", {}, button(u.disabled ? t.enable : t.disable, () => setDisabled(u, !u.disabled), {
        class: "link" + (u.disabled ? "" : " danger"), "aria-label": `${u.disabled ? t.enable : t.disable} ${u.username}`,
      })))));
  }

  async function setDisabled(u, disabled) {
    await api(`/v1/admin/users/${encodeURIComponent(u.username)}`, { method: "PATCH", json: { disabled } })
      .catch(fail("user-error"));
    await Promise.all([loadUsers(), loadKeys(), loadAudit(true)]);
  }

  async function revoke(k) {
    if (!confirmDelete(`${k.prefix}… (${k.tenant})`)) return;
    await api(`/v1/admin/keys/${k.id}`, { method: "DELETE" }).catch(fail("key-error"));
    await loadKeys();
    await loadAudit(true);
  }

  const ownerLabel = (lim) => {
    if (lim.scope === "tenant") return `${t.tenant}: ${tenants.find((x) => x.id === lim.scope_id)?.name ?? lim.scope_id}`;
    return `key ${lim.scope_id}`;
  };

  async function loadLimits() {
    const limits = await all("/v1/admin/limits");
    $("limit-rows").replaceChildren(...limits.map((lim) => el("tr", {},
      cell(ownerLabel(lim)), cell(lim.model || t.all_models), cell(lim.rpm), cell(lim.tpm), cell(lim.tpd),
      cell(lim.monthly_tokens),
      el("td", {}, button(t.delete, () => removeLimit(lim), { class: "link danger", "aria-label": `${t.delete} ${ownerLabel(lim)}` })))));
  }

  async function removeLimit(lim) {
    await api(`/v1/admin/limits/${lim.id}`, { method: "DELETE" }).catch(fail("limit-error"));
    await loadLimits();
  }

  // Usage: per-day totals (one request per tenant when grouped by tenant), drawn as stacked bars.
  async function loadUsage() {
    const days = Number($("usage-days").value), by = $("usage-by").value, measure = $("usage-measure").value;
    const tenant = $("usage-tenant").value;
    const start = new Date(Date.now() - (days - 1) * 86400e3).toISOString().slice(0, 10);
    const query = (name) => `/v1/usage?group_by=day&start=${start}${name ? `&tenant=${encodeURIComponent(name)}` : ""}`;
    let rows = [];
    if (by === "tenant") {
      const chosen = tenant ? [tenant] : tenants.map((x) => x.name);
      for (const name of chosen) rows.push(...(await json(query(name))).data.map((r) => ({ ...r, series: name })));
    } else {
      rows = (await json(query(tenant))).data.map((r) => ({ ...r, series: r.model }));
    }
    drawUsage(rows, start, days, measure);
  }

  function drawUsage(rows, start, days, measure) {
    const dayList = Array.from({ length: days }, (_, i) => new Date(Date.parse(start) + i * 86400e3).toISOString().slice(0, 10));
    const series = [...new Set(rows.map((r) => r.series))].sort();
    const value = {};
    for (const r of rows) value[`${r.day}|${r.series}`] = (value[`${r.day}|${r.series}`] || 0) + (r[measure] || 0);
    const totals = dayList.map((d) => series.reduce((n, s) => n + (value[`${d}|${s}`] || 0), 0));
    const top = Math.max(...totals, 0);
    $("no-usage").hidden = top > 0;
    $("usage-figure").hidden = top === 0;
    const W = 720, H = 220, pad = 40, bw = (W - pad) / days;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H + 40}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-labelledby", "usage-caption");
    svg.setAttribute("class", "chart");
    const add = (tag, attrs, text) => {
      const node = document.createElementNS(SVG, tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      if (text !== undefined) node.textContent = text;
      svg.append(node);
      return node;
    };
    add("line", { x1: pad, y1: H, x2: W, y2: H, stroke: "#555d66" });
    add("text", { x: pad - 4, y: 12, "text-anchor": "end", "font-size": 11, fill: "#555d66" }, compact(top));
    dayList.forEach((d, i) => {
      let y = H;
      series.forEach((s, j) => {
        const v = value[`${d}|${s}`] || 0;
        if (!v) return;
        const h = (v / top) * (H - 10);
        y -= h;
        const bar = add("rect", { x: pad + i * bw + 1, y, width: Math.max(bw - 2, 1), height: h, fill: COLOURS[j % COLOURS.length] });
        const tip = document.createElementNS(SVG, "title");
        tip.textContent = `${d} · ${s}: ${compact(v)}`;
        bar.append(tip);
      });
      if (days <= 31 && (i % Math.ceil(days / 10) === 0)) {
        add("text", { x: pad + i * bw + bw / 2, y: H + 14, "text-anchor": "middle", "font-size": 10, fill: "#555d66" }, d.slice(5));
      }
    });
    series.forEach((s, j) => {
      add("rect", { x: pad + j * 150, y: H + 24, width: 10, height: 10, fill: COLOURS[j % COLOURS.length] });
      add("text", { x: pad + j * 150 + 14, y: H + 33, "font-size": 11, fill: "#1b1f23" }, s);
    });
    $("usage-chart").replaceChildren(svg);
    const label = $("usage-measure").selectedOptions[0].textContent;
    $("usage-caption").textContent = `${t.usage}: ${label} / ${t.day.toLowerCase()}, ${dayList[0]} – ${dayList.at(-1)} (${series.join(", ") || "–"})`;
    $("usage-table").replaceChildren(
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t.day), ...series.map((s) => el("th", { scope: "col" }, s)))),
      el("tbody", {}, ...dayList.filter((d, i) => totals[i] > 0).map((d) => el("tr", {},
        el("th", { scope: "row" }, d), ...series.map((s) => cell(compact(value[`${d}|${s}`] || 0)))))));
  }

  const compact = (v) => number(v, Number.isInteger(v) ? 0 : 3);

  async function loadAudit(reset = false) {
    if (reset) { auditCursor = null; $("audit-rows").replaceChildren(); }
    const page = await json(`/v1/admin/audit?order=desc&limit=50${auditCursor ? `&after=${auditCursor}` : ""}`);
    $("audit-rows").append(...page.data.map((a) => el("tr", {},
      cell(a.id), cell(a.time), cell(a.actor), cell(`${a.action}${a.target ? ` · ${a.target}` : ""}`, { dir: "auto" }),
      el("td", {}, el("code", { dir: "ltr" }, a.details ? JSON.stringify(a.details) : "")))));
    auditCursor = page.next;
    $("audit-more").hidden = !page.has_more;
  }

  async function verify() {
    const out = $("verify-result");
    out.hidden = false;
    out.textContent = "…";
    const result = await json("/v1/admin/audit/verify", { method: "POST" });
    out.className = result.ok ? "ok" : "error";
    out.textContent = result.ok
      ? format(t.chain_ok, { n: result.entries })
      : format(t.chain_broken, { id: result.first_bad_id, why: result.reason });
  }

  const numberOrNull = (id) => ($(id).value === "" ? null : Number($(id).value));

  $("tenant-form")?.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear("tenant-error");
    const models = $("tenant-models").value.split(",").map((m) => m.trim()).filter(Boolean);
    try {
      await json("/v1/admin/tenants", { method: "POST", json: {
        name: $("tenant-name").value.trim(), description: $("tenant-description").value.trim(),
        allowed_models: models.length ? models : null,
      } });
      ev.target.reset();
      await loadTenants();
      await Promise.all([loadKeys(), loadAudit(true)]);
    } catch (e) { fail("tenant-error")(e); }
  });

  $("user-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear("user-error");
    try {
      await json("/v1/admin/users", { method: "POST", json: {
        tenant: $("user-tenant").value, username: $("user-name").value.trim(),
        password: $("user-password").value, role: $("user-role").value,
      } });
      ev.target.reset();
      await Promise.all([loadUsers(), loadKeys(), loadAudit(true)]);
    } catch (e) { fail("user-error")(e); }
  });

  $("key-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear("key-error");
    try {
      const created = await json("/v1/admin/keys", { method: "POST", json: {
        tenant: $("key-tenant").value, role: $("key-role").value, name: $("key-name").value.trim(),
      } });
      $("new-secret").textContent = created.secret;  // shown once; this page keeps it nowhere else
      $("new-key").hidden = false;
      $("key-name").value = "";
      await Promise.all([loadKeys(), loadAudit(true)]);
    } catch (e) { fail("key-error")(e); }
  });
  $("copy-secret").addEventListener("click", () => navigator.clipboard?.writeText($("new-secret").textContent));

  $("limit-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear("limit-error");
    const [scope, id] = $("limit-owner").value.split(/:(.*)/s);
    const body = {
      model: $("limit-model").value.trim() || null, rpm: numberOrNull("limit-rpm"), tpm: numberOrNull("limit-tpm"),
      tpd: numberOrNull("limit-tpd"), monthly_tokens: numberOrNull("limit-monthly"),
    };
    if (scope === "tenant") body.tenant = id; else body.key_id = Number(id);
    try {
      await json("/v1/admin/limits", { method: "PUT", json: body });
      ev.target.reset();
      await Promise.all([loadLimits(), loadAudit(true)]);
    } catch (e) { fail("limit-error")(e); }
  });

  for (const id of ["usage-tenant", "usage-days", "usage-by", "usage-measure"]) {
    $(id).addEventListener("change", () => loadUsage().catch(fail("no-usage")));
  }
  $("verify")?.addEventListener("click", () => verify().catch((e) => { $("verify-result").textContent = `${t.error} ${e.message}`; }));
  $("audit-more").addEventListener("click", () => loadAudit().catch(fail("verify-result")));

  (async () => {
    await loadTenants();
    await Promise.all([loadUsers(), loadKeys(), loadLimits(), loadAudit(true), loadUsage()]);
  })().catch(fail("tenant-error"));
})();
