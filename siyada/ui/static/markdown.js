// A small Markdown renderer for answers: headings, paragraphs, bold/italic, inline and fenced code,
// lists, quotes, links with safe schemes, and [n] citations as chips. It builds DOM nodes with
// textContent only: whatever HTML a model writes is shown as text, never parsed (no innerHTML here).
"use strict";
window.siyada.markdown = (() => {
  const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
  // The earliest of these wins; each names what it found. `_` emphasis must not start or end inside a
  // word, so snake_case names stay as they are. Every span is bounded, so a line full of unclosed
  // markers costs at most SPAN steps per position, never the rest of the line each time.
  const SPAN = 1000;
  const INLINE = new RegExp([
    `(?<code>\`+)(?<codeText>[^\`\n]{1,${SPAN}}?)\\k<code>`,
    `\\*\\*(?<strong>\\S(?:[^\\n]{0,${SPAN}}?\\S)?)\\*\\*`,
    `(?<!\\w)__(?<strong2>\\S(?:[^\\n]{0,${SPAN}}?\\S)?)__(?!\\w)`,
    `\\*(?<em>[^*\\s](?:[^*\\n]{0,${SPAN}}?[^*\\s])?)\\*`,
    `(?<!\\w)_(?<em2>[^_\\s](?:[^_\\n]{0,${SPAN}}?[^_\\s])?)_(?!\\w)`,
    `\\[(?<label>[^\\]\\n]{1,${SPAN}})\\]\\((?<href>[^()\\s]{1,${SPAN}})\\)`,
    "\\[(?<cite>\\d{1,3})\\]",
  ].join("|"), "gu");

  function node(tag, children, props = {}) {
    const n = document.createElement(tag);
    Object.assign(n, props);
    n.append(...children);
    return n;
  }

  function link(label, href, cite) {
    let url = null;
    if (SAFE_HREF.test(href)) {
      try { url = new URL(href); } catch (e) { url = null; }
    }
    // An unsafe or malformed target (javascript:, data:, relative paths) keeps its words, not its link.
    if (!url || !["http:", "https:", "mailto:"].includes(url.protocol)) return inline(label, cite);
    const a = node("a", inline(label, cite), { href: url.href, target: "_blank", rel: "noopener noreferrer nofollow" });
    return [a];
  }

  // Inline Markdown of one line or paragraph, as an array of nodes and strings.
  function inline(text, cite) {
    const out = [];
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      const g = m.groups;
      out.push(text.slice(last, m.index));
      last = m.index + m[0].length;
      if (g.codeText !== undefined) out.push(node("code", [g.codeText]));
      else if (g.strong !== undefined || g.strong2 !== undefined) out.push(node("strong", inline(g.strong ?? g.strong2, cite)));
      else if (g.em !== undefined || g.em2 !== undefined) out.push(node("em", inline(g.em ?? g.em2, cite)));
      else if (g.label !== undefined) out.push(...link(g.label, g.href, cite));
      else out.push((cite && cite(Number(g.cite), m[0])) || m[0]);
    }
    out.push(text.slice(last));
    return out.filter((x) => x !== "");
  }

  const LIST_ITEM = /^\s{0,3}(?:(?<bullet>[-*+])|(?<number>\d{1,9})[.)])\s+(?<text>.*)$/;
  const HEADING = /^\s{0,3}(?<hashes>#{1,6})\s+(?<text>.*?)\s*#*\s*$/;
  const FENCE = /^\s{0,3}(```+|~~~+)/;
  const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;

  // Markdown text -> block nodes. `cite(n, marker)` returns the chip for citation n, or null.
  function render(text, cite) {
    const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
    const blocks = [];
    let para = [], list = null, quote = [];
    const flushPara = () => {
      if (!para.length) return;
      const children = [];
      para.forEach((line, i) => { if (i) children.push(document.createElement("br")); children.push(...inline(line, cite)); });
      blocks.push(node("p", children, { dir: "auto" }));
      para = [];
    };
    const flushList = () => { if (list) blocks.push(list); list = null; };
    const flushQuote = () => {
      if (quote.length) blocks.push(node("blockquote", render(quote.join("\n"), cite), { dir: "auto" }));
      quote = [];
    };
    const flush = () => { flushPara(); flushList(); flushQuote(); };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const fence = line.match(FENCE);
      if (fence) {
        flush();
        const code = [];
        for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) code.push(lines[i]);
        blocks.push(node("pre", [node("code", [code.join("\n")])], { dir: "ltr" }));
        continue;
      }
      if (/^\s{0,3}>/.test(line)) { flushPara(); flushList(); quote.push(line.replace(/^\s{0,3}>\s?/, "")); continue; }
      flushQuote();
      if (!line.trim()) { flushPara(); flushList(); continue; }
      const heading = line.match(HEADING);
      if (heading) {
        flush();
        // Answer headings sit below the page's own (h1, h2).
        const level = Math.min(heading.groups.hashes.length + 2, 6);
        blocks.push(node(`h${level}`, inline(heading.groups.text, cite), { dir: "auto" }));
        continue;
      }
      if (RULE.test(line)) { flush(); blocks.push(document.createElement("hr")); continue; }
      const item = line.match(LIST_ITEM);
      if (item) {
        flushPara();
        const tag = item.groups.bullet ? "ul" : "ol";
        if (!list || list.tagName.toLowerCase() !== tag) {
          flushList();
          list = document.createElement(tag);
          if (tag === "ol" && item.groups.number !== "1") list.start = Number(item.groups.number);
        }
        list.append(node("li", inline(item.groups.text, cite), { dir: "auto" }));
        continue;
      }
      if (list && /^\s+\S/.test(line)) {  // a continuation of the last item
        list.lastElementChild.append(" ", ...inline(line.trim(), cite));
        continue;
      }
      flushList();
      para.push(line);
    }
    flush();
    return blocks;
  }

  return { render, inline };
})();
