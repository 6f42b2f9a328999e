// The owner's admin decides: pending requests for its data sets (approve or refuse, with a reason),
// and the grants given (their columns, modes, ε spent, expiry), which it may revoke.
"use strict";
(() => {
  const { t, json, el, $, button, when, number, format } = window.siyada;
  const tenant = $("ds-title").dataset.tenant;

  const cell = (value, props = {}) => el("td", props, value === null || value === undefined || value === "" ? "–" : String(value));
  const fail = (e) => { $("approvals-error").textContent = `${t.error} ${e.message}`; $("approvals-error").hidden = false; };
  const modes = (list) => list.map((m) => t[`ds_mode_${m}`] || m).join(", ");

  function pendingItem(r, title) {
    const reason = el("input", { id: `why-${r.id}`, maxlength: "500", dir: "auto" });
    return el("li", { class: "card request", "data-id": r.id },
      el("h3", { dir: "auto" }, `${title} · ${r.id}`),
      el("p", { dir: "auto" }, r.purpose),
      el("p", { class: "meta" }, `${t.ds_columns}: ${r.columns.join(", ")} · ${t.ds_modes}: ${modes(r.modes)} · `
        + `${t.ds_duration}: ${r.duration_days}${r.epsilon ? ` · ε ${number(r.epsilon, 2)}` : ""} · ${when(r.created_at)}`),
      el("label", { for: `why-${r.id}` }, t.ds_refuse_reason),
      reason,
      el("p", { class: "actions" },
        button(t.ds_approve, () => decide(r, "approve", {}), { class: "approve", "aria-label": `${t.ds_approve} ${r.id}` }), " ",
        button(t.ds_refuse, () => decide(r, "refuse", { reason: reason.value.trim() }), {
          class: "link danger refuse", "aria-label": `${t.ds_refuse} ${r.id}`,
        })));
  }

  async function decide(r, verb, body) {
    $("approvals-error").hidden = true;
    await json(`/v1/dataspace/requests/${encodeURIComponent(r.id)}/${verb}`, { method: "POST", json: body }).catch(fail);
    await load();
  }

  async function revoke(g) {
    if (!confirm(format(t.ds_confirm_revoke, { id: g.id }))) return;
    await json(`/v1/dataspace/grants/${encodeURIComponent(g.id)}/revoke`, { method: "POST" }).catch(fail);
    await load();
  }

  async function load() {
    const [requests, sets] = await Promise.all([json("/v1/dataspace/requests"), json("/v1/dataspace/datasets")]);
    const own = new Map(sets.data.filter((d) => d.owner === tenant).map((d) => [d.id, d.title]));
    const mine = requests.data.filter((r) => own.has(r.dataset));
    const pending = mine.filter((r) => r.status === "pending");
    $("pending-list").replaceChildren(...pending.map((r) => pendingItem(r, own.get(r.dataset))));
    $("no-pending").hidden = pending.length > 0;
    const grants = await Promise.all(mine.filter((r) => r.grant).map((r) => json(`/v1/dataspace/grants/${encodeURIComponent(r.grant)}`)));
    $("grant-rows").replaceChildren(...grants.map((g) => el("tr", { "data-id": g.id, "data-request": g.request },
      cell(g.id, { dir: "ltr" }), cell(own.get(g.dataset), { dir: "auto" }), cell(g.columns.join(", ")), cell(modes(g.modes)),
      cell(g.epsilon_budget ? `${number(g.epsilon_spent, 2)} / ${number(g.epsilon_budget, 2)}` : "–"),
      cell(when(g.expires_at)), cell(t[`ds_status_${g.status}`] || g.status, { class: `state ${g.status}` }),
      el("td", {}, g.status === "active" ? button(t.ds_revoke, () => revoke(g), {
        class: "link danger", "aria-label": `${t.ds_revoke} ${g.id}`,
      }) : null))));
    $("no-grants").hidden = grants.length > 0;
  }

  load().catch(fail);
})();
