// The citizen widget's loader: one <script> tag on a ministry's page injects the widget's iframe, either
// in place (data-mode="inline") or behind a floating button (the default). The iframe's page decides
// what may run: only the origins the tenant lists may frame it (CSP frame-ancestors).
//   <script src="https://SIYADA/ui/static/widget_embed.js" data-tenant="T" data-assistant="A"
//           data-lang="fr" async></script>
"use strict";
(() => {
  const me = document.currentScript;
  if (!me) return;
  const base = new URL(me.src).origin;
  const d = me.dataset;
  const lang = ["fr", "ar", "ary", "zgh"].includes(d.lang) ? d.lang : "fr";
  // The button's label before the widget loads; the widget's own words are in the iframe.
  const label = d.label || { fr: "Poser une question", ar: "اطرح سؤالا", ary: "سول سؤال", zgh: "ⵙⵇⵙⴰ" }[lang];
  const frame = document.createElement("iframe");
  frame.src = `${base}/widget/${encodeURIComponent(d.tenant || "")}/${encodeURIComponent(d.assistant || "")}?lang=${lang}`;
  frame.title = label;
  frame.referrerPolicy = "strict-origin"; // the widget binds its conversation to this page's origin
  frame.style.cssText = "border:1px solid #b8c1ca;border-radius:8px;width:100%;max-width:420px;height:560px;background:#fff";
  if (d.mode === "inline") {
    me.after(frame);
    return;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;inset-block-end:16px;inset-inline-end:16px;min-height:48px;padding:0 16px;border-radius:24px;border:0;background:#1f6b4a;color:#fff;font:16px system-ui,sans-serif;z-index:2147483000";
  const panel = document.createElement("div");
  panel.id = `siyada-widget-${Math.random().toString(36).slice(2)}`;
  panel.hidden = true;
  panel.style.cssText = "position:fixed;inset-block-end:72px;inset-inline-end:16px;width:min(420px,calc(100vw - 32px));z-index:2147483000";
  frame.style.height = "min(560px, calc(100vh - 96px))";
  panel.append(frame);
  button.setAttribute("aria-controls", panel.id);
  button.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) frame.focus();
  });
  const close = () => {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  };
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
  // Escape pressed inside the widget: its frame says so (only that frame, from the widget's origin).
  window.addEventListener("message", (e) => {
    if (e.source === frame.contentWindow && e.origin === base && e.data === "siyada-widget:close") close();
  });
  document.body.append(button, panel);
})();
