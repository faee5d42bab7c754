// Several methods on one article: each summary in its own column, which sentences each picked,
// and the ROUGE overlap between every pair of summaries.

import { el, fill, fmt, shorten } from "./dom.js";
import { rougeScores } from "./rouge.js";

/**
 * Draw `runs` (`[{method, result, error}]`, in the order asked) into the comparison section's
 * parts. `onShow(run)` is called when the user asks to see one result in the article view.
 */
export function renderComparison(parts, runs, onShow) {
  fill(parts.columns, runs.map((run) => column(run, onShow)));
  renderPicks(parts.picks, runs);
  renderOverlap(parts.overlap, runs.filter((r) => r.result));
}

function column(run, onShow) {
  const head = el("h3", {}, run.method);
  if (!run.result) {
    return el("article", { class: "column failed", "data-method": run.method }, head, el("p", { class: "error-text" }, run.error));
  }
  const r = run.result;
  const show = el("button", { type: "button", class: "small" }, "Show in the article");
  show.addEventListener("click", () => onShow(run));
  return el("article", { class: "column", "data-method": run.method }, head,
    el("p", { class: "hint" }, `${r.kind} · ${r.length.sentences} sentences · ${r.length.words} words · ${fmt(r.elapsed_seconds, 3)} s`),
    el("p", { class: "column-summary" }, r.summary), show);
}

/** Rows: every sentence some extractive method picked (document order); cells: its rank there. */
function renderPicks(table, runs) {
  const extractive = runs.filter((r) => r.result && r.result.kind === "extractive");
  const bySentence = new Map();
  for (const run of extractive) {
    for (const s of run.result.sentences) {
      if (!bySentence.has(s.start)) bySentence.set(s.start, { text: s.text, ranks: new Map() });
      bySentence.get(s.start).ranks.set(run.method, s.rank);
    }
  }
  const starts = [...bySentence.keys()].sort((a, b) => a - b);
  const header = el("tr", {}, el("th", { scope: "col" }, "sentence"), extractive.map((r) => el("th", { scope: "col" }, r.method)));
  const rows = starts.map((start) => {
    const row = bySentence.get(start);
    return el("tr", { "data-start": start },
      el("th", { scope: "row" }, shorten(row.text, 110)),
      extractive.map((r) => {
        const rank = row.ranks.get(r.method);
        return rank === undefined
          ? el("td", { "data-method": r.method }, el("span", { class: "visually-hidden" }, "not picked"), "·")
          : el("td", { "data-method": r.method, "data-rank": rank, class: "picked-cell" }, el("span", { class: "visually-hidden" }, "rank "), String(rank));
      }));
  });
  fill(table, el("caption", { class: "visually-hidden" }, "the rank of each picked sentence in each method's summary"),
    el("thead", {}, header), el("tbody", {}, rows));
  table.hidden = extractive.length === 0;
}

/** A matrix of ROUGE-1 / ROUGE-2 / ROUGE-L F1 between every pair of summaries. */
function renderOverlap(table, runs) {
  const header = el("tr", {}, el("th", { scope: "col" }, "method"), runs.map((r) => el("th", { scope: "col" }, r.method)));
  const rows = runs.map((a) => el("tr", {}, el("th", { scope: "row" }, a.method), runs.map((b) => {
    if (a === b) return el("td", { class: "self" }, "—");
    const s = rougeScores(a.result.summary, b.result.summary);
    const [r1, r2, rl] = [s.rouge1.fmeasure, s.rouge2.fmeasure, s.rougeL.fmeasure];
    return el("td", { "data-a": a.method, "data-b": b.method, "data-rouge1": r1, "data-rouge2": r2, "data-rougel": rl },
      el("span", { class: "r" }, `R1 ${r1.toFixed(2)}`), el("span", { class: "r" }, `R2 ${r2.toFixed(2)}`),
      el("span", { class: "r" }, `RL ${rl.toFixed(2)}`));
  })));
  fill(table, el("caption", { class: "visually-hidden" }, "ROUGE F1 between the summaries of each pair of methods"),
    el("thead", {}, header), el("tbody", {}, rows));
}
