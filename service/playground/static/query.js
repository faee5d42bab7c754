// The query box: a query-focused summary ("what does this article say about X"), and the
// query's words marked in the article (the service says which words match, with their offsets).

import { el } from "./dom.js";

/** Error fields of the query, for the form's error highlighting. */
export const QUERY_FIELDS = { query: "query", "options.query": "query" };

/** Whether `method` (from `/v1/methods`) takes a query. */
export function takesQuery(method) {
  return Boolean(method && (method.parameters || []).some((p) => p.name === "query"));
}

/** Put the query of `input` into the request `body` when there is one and `method` takes it. */
export function addQuery(body, method, input) {
  const query = input.value.trim();
  if (query && takesQuery(method)) body.query = query;
  return body;
}

/** The hint under the query box for `method`. */
export function queryHint(hint, input, method) {
  input.disabled = Boolean(method) && !takesQuery(method);
  hint.textContent = input.disabled
    ? `${method.name} does not take a query; pick a query-aware method (newsrank, lexrank, textrank, edmundson, abstractive).`
    : "Optional: a phrase, a question or a topic. The summary says what the article says about it; "
      + "its words are marked in the article (dotted: related words the article uses with them).";
}

/**
 * The pieces of one run of article text, `text` starting at offset `start`: plain strings and
 * `{ text, match }` for the parts inside one of `matches` (sorted by start, offsets in the
 * page's unit). Pure, so that it is tested without a browser.
 */
export function splitByMatches(text, start, matches) {
  const end = start + text.length;
  const pieces = [];
  let cursor = start;
  for (const m of matches) {
    if (m.end <= cursor || m.start >= end) continue;
    const a = Math.max(m.start, cursor);
    const b = Math.min(m.end, end);
    if (a > cursor) pieces.push(text.slice(cursor - start, a - start));
    pieces.push({ text: text.slice(a - start, b - start), match: m });
    cursor = b;
  }
  if (cursor < end) pieces.push(text.slice(cursor - start));
  return pieces;
}

/**
 * Mark the query's words in the drawn article `container`: every `result.query.matches` span
 * (offsets into the article text, in the unit the page asked for) becomes a
 * `<mark class="query-term">` inside whatever already covers it. Rank badges are not article text
 * and are skipped while counting. Returns the number of marks drawn.
 */
export function markQuery(container, result) {
  const matches = [...((result.query && result.query.matches) || [])].sort((x, y) => x.start - y.start);
  if (!matches.length) return 0;
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement && node.parentElement.closest(".rank")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  let offset = 0;
  let marked = 0;
  for (const node of nodes) {
    const pieces = splitByMatches(node.data, offset, matches);
    offset += node.data.length;
    if (pieces.length === 1 && typeof pieces[0] === "string") continue;
    node.replaceWith(...pieces.map((piece) => {
      if (typeof piece === "string") return piece;
      marked++;
      const m = piece.match;
      return el("mark", {
        class: m.expanded ? "query-term expanded" : "query-term",
        title: m.expanded ? `related to the query (${m.term})` : `query word (${m.term})`,
      }, piece.text);
    }));
  }
  return marked;
}
