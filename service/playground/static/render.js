// One result drawn in the page: the article with the summary's sentences highlighted in place
// (heat by score, rank badges, boilerplate greyed with its reason, grounding spans), the
// summary itself, and what the service reported about the input.

import { el, fill, fmt, shorten } from "./dom.js";

export const HEAT_LEVELS = 10;

/** The text a result's offsets refer to: the extracted text for HTML input, else the input. */
export function documentText(result, inputText) {
  return typeof result.extracted_text === "string" ? result.extracted_text : inputText;
}

/** Heat level (0..HEAT_LEVELS-1) of each score, scaled between the lowest and the highest. */
export function heatLevels(scores) {
  const finite = scores.filter((s) => typeof s === "number" && Number.isFinite(s));
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  return scores.map((s) => {
    if (typeof s !== "number" || !Number.isFinite(s)) return null;
    if (high === low) return HEAT_LEVELS - 1;
    return Math.round(((s - low) / (high - low)) * (HEAT_LEVELS - 1));
  });
}

/**
 * Draw `text` into `container` with the result's spans: every candidate sentence (extractive;
 * all of them when the result has `all_sentences`), the selected ones as `<mark>` with a rank
 * badge, removed spans greyed with their reason, the headline, and grounding marks: the
 * supporting spans of abstractive sentences (`data-for` lists the summary sentences they
 * support) and unsupported facts of extractive sentences.
 */
export function renderArticle(container, text, result) {
  const extractive = result.kind === "extractive";
  const selected = new Map((extractive ? result.sentences : []).map((s) => [s.start, s]));
  const candidates = extractive ? result.all_sentences || result.sentences : [];
  const levels = result.all_sentences ? heatLevels(candidates.map((s) => s.score)) : candidates.map(() => null);
  const total = candidates.length;

  const spans = [];
  candidates.forEach((s, i) => spans.push({ start: s.start, end: s.end, type: "sentence", sentence: s, level: levels[i] }));
  for (const r of (result.input && result.input.removed) || []) spans.push({ start: r.start, end: r.end, type: "removed", reason: r.reason });
  if (result.headline) spans.push({ start: result.headline.start, end: result.headline.end, type: "headline" });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);

  const marks = groundingMarks(result);
  const out = [];
  let cursor = 0;
  for (const span of spans) {
    const start = Math.max(span.start, cursor);
    if (span.end <= start) continue;
    if (start > cursor) out.push(...marked(text, cursor, start, marks));
    out.push(...spanNodes(span, marked(text, start, span.end, marks), selected, total));
    cursor = span.end;
  }
  if (cursor < text.length) out.push(...marked(text, cursor, text.length, marks));
  fill(container, out);
}

function spanNodes(span, children, selected, total) {
  if (span.type === "removed") {
    return [el("span", { class: "removed", "data-reason": span.reason, title: `left out: ${span.reason}` }, children)];
  }
  if (span.type === "headline") {
    return [el("span", { class: "headline", title: "the headline: never a summary sentence" }, children)];
  }
  const s = span.sentence;
  const picked = selected.get(s.start);
  const heat = span.level === null ? "" : ` heat-${span.level}`;
  const attrs = {
    "data-start": s.start,
    "data-end": s.end,
    "data-rank": s.rank,
    "data-score": s.score === null ? "" : s.score,
    title: `rank ${s.rank}${total ? ` of ${total}` : ""} · score ${fmt(s.score, 4)}`,
  };
  if (!picked) return [el("span", { ...attrs, class: `sent${heat}` }, children)];
  return [
    el("span", { class: "rank" }, el("span", { class: "visually-hidden" }, "summary sentence, rank "), String(picked.rank)),
    el("mark", { ...attrs, class: `sent picked${heat}` }, children),
  ];
}

/** Marks over the document: support spans (abstractive) and unsupported facts (extractive). */
export function groundingMarks(result) {
  const marks = [];
  (result.sentences || []).forEach((s, i) => {
    if (result.kind !== "extractive") {
      for (const sp of s.support || []) marks.push({ start: sp.start, end: sp.end, kind: "support", index: i, score: sp.score });
    } else {
      for (const u of s.unsupported || []) marks.push({ start: u.start, end: u.end, kind: "unsupported", label: u.kind });
    }
  });
  return marks;
}

/** Nodes for `text[from:to]` with `marks` (possibly overlapping) applied as `<mark>` pieces. */
function marked(text, from, to, marks) {
  const inside = marks.filter((m) => m.start < to && m.end > from);
  if (inside.length === 0) return [text.slice(from, to)];
  const cuts = new Set([from, to]);
  for (const m of inside) {
    cuts.add(Math.max(m.start, from));
    cuts.add(Math.min(m.end, to));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const [a, b] = [points[k], points[k + 1]];
    const piece = text.slice(a, b);
    const over = inside.filter((m) => m.start <= a && m.end >= b);
    if (over.length === 0) {
      nodes.push(piece);
    } else if (over.some((m) => m.kind === "unsupported")) {
      const kinds = [...new Set(over.map((m) => m.label))].join(", ");
      nodes.push(el("mark", { class: "unsupported", "data-kind": kinds, title: `not supported by the article: ${kinds}` }, piece));
    } else {
      const ids = [...new Set(over.map((m) => m.index))];
      const best = Math.max(...over.map((m) => m.score ?? 0));
      nodes.push(el("mark", {
        class: "support", "data-for": ids.join(" "),
        title: `supports summary sentence ${ids.map((i) => i + 1).join(", ")} (score ${fmt(best, 2)})`,
      }, piece));
    }
  }
  return nodes;
}

/** The summary: ranked sentences (extractive) or sentences with unsupported facts marked. */
export function renderSummary(container, result, onSentence) {
  const items = result.sentences.map((s, i) => {
    if (result.kind === "extractive") {
      return el("li", { class: "summary-sentence", "data-rank": s.rank },
        el("span", { class: "rank" }, el("span", { class: "visually-hidden" }, "rank "), String(s.rank)),
        " ", s.text, " ", el("span", { class: "score" }, `score ${fmt(s.score, 4)}`));
    }
    const local = (s.unsupported || []).map((u) => ({ start: u.start, end: u.end, kind: "unsupported", label: u.kind }));
    const pieces = marked(result.summary, s.start, s.end, local);
    const hasSupport = Array.isArray(s.support);
    if (!hasSupport) return el("li", { class: "summary-sentence" }, pieces);
    const button = el("button", {
      type: "button", class: "summary-sentence", "aria-pressed": "false", "data-index": i,
      "aria-describedby": "support-help",
    }, pieces, el("span", { class: "support-count" }, ` (${s.support.length} supporting span${s.support.length === 1 ? "" : "s"})`));
    button.addEventListener("click", () => onSentence(i, button));
    return el("li", {}, button);
  });
  const help = result.sentences.some((s) => Array.isArray(s.support))
    ? el("p", { id: "support-help", class: "hint" }, "Press a sentence to show the passages of the article that support it.")
    : null;
  fill(container, el("ol", { class: "summary-list", "aria-label": "summary sentences" }, items), help);
}

/** Show the support spans of summary sentence `index` (or none with -1). */
export function showSupport(article, summary, index) {
  for (const mark of article.querySelectorAll("mark.support")) {
    mark.classList.toggle("active", mark.dataset.for.split(" ").includes(String(index)));
  }
  for (const button of summary.querySelectorAll("button.summary-sentence")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.index) === index));
  }
  const first = article.querySelector("mark.support.active");
  if (first) first.scrollIntoView({ block: "nearest" });
}

/** Method, lengths, input statistics, model, timing and request id as a definition list. */
export function renderMeta(container, result, requestId) {
  const input = result.input || {};
  const language = input.language_confidence !== undefined
    ? `${input.language} (confidence ${fmt(input.language_confidence, 2)})` : input.language;
  const rows = [
    ["Method", `${result.method} (${result.kind})`],
    ["Summary", `${result.length.sentences} sentences, ${result.length.words} words (asked: ${describeLength(result.length.requested)})`],
    ["Article", `${input.sentences} candidate sentences, ${input.words} words, ${language}${input.source === "html" ? ", extracted from HTML" : ""}`],
    result.model ? ["Model", [result.model.name, result.model.backend].filter(Boolean).join(" · ")] : null,
    ["Server time", `${fmt(result.elapsed_seconds, 3)} s`],
    requestId ? ["Request id", requestId] : null,
  ].filter(Boolean);
  fill(container, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

export function describeLength(requested) {
  const [[key, value]] = Object.entries(requested || { sentences: 3 });
  return key === "ratio" ? `ratio ${value}` : `${value} ${key}`;
}

/** The heat legend (extractive with every sentence's score) and the other marks' keys. */
export function renderLegend(container, result) {
  const parts = [];
  if (result.kind === "extractive" && result.all_sentences) {
    const swatches = [];
    for (let i = 0; i < HEAT_LEVELS; i++) swatches.push(el("span", { class: `swatch heat-${i}` }));
    parts.push(el("span", { class: "key" }, "lower score ", el("span", { class: "scale" }, swatches), " higher score"));
  }
  if (result.kind === "extractive") parts.push(el("span", { class: "key" }, el("mark", { class: "sent picked" }, "in the summary")));
  parts.push(el("span", { class: "key" }, el("span", { class: "removed" }, "left out (hover for why)")));
  if (result.sentences.some((s) => Array.isArray(s.support))) {
    parts.push(el("span", { class: "key" }, el("mark", { class: "support" }, "supporting passage")));
  }
  if (result.sentences.some((s) => Array.isArray(s.unsupported) && s.unsupported.length)) {
    parts.push(el("span", { class: "key" }, el("mark", { class: "unsupported" }, "not supported")));
  }
  fill(container, parts);
}

/** Faithfulness score and counts of unsupported facts by kind, when the result has them. */
export function renderFaithfulness(node, result) {
  const f = result.faithfulness;
  if (!f || typeof f.score !== "number") {
    node.hidden = true;
    return;
  }
  const counts = Object.entries(f.counts || {}).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}${n === 1 ? "" : "s"}`);
  fill(node, el("strong", {}, "Faithfulness "), fmt(f.score, 2),
    counts.length ? ` · not supported by the article: ${counts.join(", ")}` : " · every checked fact is supported");
  node.hidden = false;
}

/** The spans left out of the input, with their reasons, as a list (keyboard and screen readers). */
export function renderRemoved(details, list, count, result) {
  const removed = (result.input && result.input.removed) || [];
  fill(list, removed.map((r) => el("li", {}, el("span", { class: "reason" }, r.reason), " ", shorten(r.text, 140))));
  count.textContent = String(removed.length);
  details.hidden = removed.length === 0;
}
