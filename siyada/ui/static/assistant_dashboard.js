// The assistants' dashboard: reads the tenant's statistics through the public API with the session.
"use strict";
(() => {
  const { json, el, $, t } = window.siyada;
  const form = $("as-pick");
  const pick = $("as-name");

  function fail(err) {
    $("as-error").textContent = err.message;
    $("as-error").hidden = false;
  }

  function percent(share) {
    return share === null ? "–" : `${Math.round(share * 100)} %`;
  }

  async function show(name, days) {
    $("as-error").hidden = true;
    const base = `/v1/assistants/${encodeURIComponent(name)}`;
    const q = `?days=${days}`;
    const [stats, groups] = await Promise.all([json(`${base}/stats${q}`), json(`${base}/unanswered${q}`)]);
    $("as-total").textContent = stats.questions;
    $("as-answered").textContent = stats.answered;
    $("as-not-found").textContent = stats.not_found;
    $("as-share").textContent = percent(stats.answered_share);
    $("as-days-rows").replaceChildren(...stats.days.map((d) => el("tr", {},
      el("td", {}, d.day), el("td", {}, String(d.questions)), el("td", {}, String(d.answered)),
      el("td", {}, String(d.not_found)))));
    $("as-up").textContent = stats.feedback.up;
    $("as-down").textContent = stats.feedback.down;
    const comments = stats.feedback.comments;
    $("as-no-comment").hidden = comments.length > 0;
    $("as-comment-rows").replaceChildren(...comments.map((c) => el("tr", {},
      el("td", {}, c.day), el("td", {}, c.rating === "up" ? t.as_up : t.as_down),
      el("td", {}, c.comment), el("td", {}, c.question))));
    $("as-no-unanswered").hidden = groups.data.length > 0;
    $("as-clusters").replaceChildren(...groups.data.map((g) => el("li", { class: "cluster" },
      el("p", {}, el("strong", {}, `${t.as_group_size} : ${g.size}`)),
      el("ul", {}, ...g.questions.slice(0, 10).map((x) => el("li", { dir: "auto" }, `${x.question} (${x.day})`))))));
    $("as-stats-csv").href = `${base}/stats.csv${q}`;
    $("as-unanswered-csv").href = `${base}/unanswered.csv${q}`;
  }

  async function start() {
    const listed = await json("/v1/assistants?limit=1000");
    const names = listed.data.map((a) => a.name);
    $("as-none").hidden = names.length > 0;
    form.hidden = names.length === 0;
    pick.replaceChildren(...names.map((n) => el("option", { value: n }, n)));
    const wanted = new URLSearchParams(location.search).get("name");
    if (wanted && names.includes(wanted)) pick.value = wanted;
    if (names.length) await show(pick.value, $("as-days").value);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(pick.value, $("as-days").value).catch(fail);
  });
  start().catch(fail);
})();
