// What every signed-in page shares: the page's words, API calls with the session's CSRF token, and a
// small element builder (pages build their DOM with textContent only, never innerHTML).
"use strict";
window.siyada = (() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const t = JSON.parse(document.getElementById("words")?.textContent || "{}");

  class ApiError extends Error {
    constructor(status, body) {
      super(`${status}: ${body?.error?.message || "request failed"}`);
      this.status = status;
      this.code = body?.error?.code || null;
      this.param = body?.error?.param || null;  // the field at fault, shown next to it by forms
    }
  }

  async function api(path, init = {}) {
    const headers = { "X-CSRF-Token": csrf, ...(init.headers || {}) };
    if (init.json !== undefined) {
      headers["Content-Type"] = "application/json";
      init = { ...init, body: JSON.stringify(init.json) };
    }
    const resp = await fetch(path, { credentials: "same-origin", ...init, headers });
    if (!resp.ok) {
      let body = null;
      try { body = await resp.json(); } catch (e) { /* not JSON */ }
      // The session ended (expired, logged out elsewhere, key revoked): back to the login page, once
      // (a second navigation would abort the first).
      if (resp.status === 401) toLogin();
      throw new ApiError(resp.status, body || { error: { message: resp.statusText } });
    }
    return resp;
  }

  const json = async (path, init) => (await api(path, init)).json();

  let leaving = false;
  function toLogin() {
    if (leaving) return;
    leaving = true;
    location.assign("/ui/login");
  }

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name in node && typeof value !== "string") node[name] = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  const $ = (id) => document.getElementById(id);
  const button = (label, onclick, props = {}) => el("button", { type: "button", onclick, ...props }, label);
  // Moroccan locales: Western digits in Arabic too, as Moroccan administrations write them.
  const locale = { fr: "fr-MA", ar: "ar-MA", en: "en-GB", zgh: "zgh-MA" }[document.documentElement.lang] || "fr-MA";
  const when = (seconds) => new Date(seconds * 1000).toLocaleString(locale);
  const number = (value, digits = 0) => value.toLocaleString(locale, { maximumFractionDigits: digits });
  const format = (template, values) => template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  // Every deletion asks first, in the page's language.
  const confirmDelete = (name) => confirm(format(t.confirm_delete, { name }));

  return { csrf, t, api, json, el, $, button, when, number, format, confirmDelete, toLogin, ApiError };
})();
