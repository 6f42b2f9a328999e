// What every page that shows answers shares (the chat, the assistants builder's preview): reading a
// streamed completion, the answer's Markdown with each [n] a chip, the list of sources, and the cited
// passage (with its page image boxed when it was read by OCR) in a side panel.
"use strict";
window.siyada.answers = (() => {
  const { t, api, json, el, markdown } = window.siyada;

  // Server-sent events of a streamed completion: `onChunk` gets each parsed chunk, in order.
  async function readChunks(resp, onChunk) {
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        for (const line of event.split("\n")) {
          if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
          onChunk(JSON.parse(line.slice(6)));
        }
      }
    }
  }

  // The answer's Markdown, each [n] a chip that opens the cited passage in `panel`.
  function renderAnswer(body, text, citations, panel) {
    const cite = (n, marker) => {
      const c = (citations || []).find((x) => x.index === n);
      if (!c) return null;
      return el("button", {
        type: "button", class: "cite", onclick: () => openPassage(panel, c),
        "aria-label": `${t.sources} ${n}: ${c.document_name}`,
      }, marker);
    };
    body.replaceChildren(...markdown.render(text, cite));
  }

  function renderCitations(li, citations, panel) {
    if (!citations || !citations.length) return;
    const list = el("ol", { class: "sources" });
    for (const c of citations) {
      const label = `[${c.index}] ${c.document_name}` + (c.page ? ` · p. ${c.page}` : "") + (c.section ? ` · ${c.section}` : "");
      list.append(el("li", {}, el("button", { type: "button", dir: "auto", onclick: () => openPassage(panel, c) }, label)));
    }
    li.append(list);
  }

  function openPassage(panel, c) {
    panel.hidden = false;
    panel.replaceChildren();
    const h = el("h2", { dir: "auto" }, `[${c.index}] ${c.document_name}`);
    const meta = el("p", { class: "meta" }, [c.collection, c.section, c.page ? `p. ${c.page}` : null].filter(Boolean).join(" · "));
    const quote = el("blockquote", { dir: "auto" });
    // Highlights are offsets in the document; the quote starts at c.start.
    let at = 0;
    for (const hl of c.highlights || []) {
      const s = hl.start - c.start, e = hl.end - c.start;
      if (s < at || e > c.quote.length) continue;
      quote.append(c.quote.slice(at, s), el("mark", {}, c.quote.slice(s, e)));
      at = e;
    }
    quote.append(c.quote.slice(at));
    const close = el("button", { type: "button", "aria-label": t.close, onclick: () => { panel.hidden = true; } }, "×");
    panel.append(close, h, meta, quote);
    panel.focus();
    if (c.page) showRegion(panel, c);
  }

  // A passage read by OCR: its page image with the cited lines boxed (a 404 means a page with a text
  // layer, nothing to show). The image comes through the API as a data: URL (the CSP allows no blob:).
  async function showRegion(panel, c) {
    let region;
    try {
      region = await json(`/v1/documents/${encodeURIComponent(c.document_id)}/pages/${c.page}?start=${c.start}&end=${c.end}`);
    } catch (e) {
      return;
    }
    if (!region.image) return;
    const blob = await (await api(region.image)).blob();
    const src = await new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.readAsDataURL(blob);
    });
    const figure = el("figure", { class: "page-region" });
    const sheet = el("div", { class: "page-sheet" });  // the boxes' frame: exactly the image's size
    sheet.append(el("img", { src, alt: `${c.document_name} · p. ${c.page}` }));
    figure.append(sheet);
    for (const [x0, y0, x1, y1] of region.boxes) {
      const box = el("span", { class: "region-box" });
      box.style.left = `${(100 * x0) / region.width}%`;
      box.style.top = `${(100 * y0) / region.height}%`;
      box.style.width = `${(100 * (x1 - x0)) / region.width}%`;
      box.style.height = `${(100 * (y1 - y0)) / region.height}%`;
      sheet.append(box);
    }
    if (region.low_confidence) figure.append(el("figcaption", { class: "meta" }, t.ocr_low_confidence));
    panel.append(figure);
    figure.querySelector(".region-box")?.scrollIntoView({ block: "center" });
  }

  return { readChunks, renderAnswer, renderCitations, openPassage };
})();
