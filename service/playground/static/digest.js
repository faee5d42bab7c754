// The digest page: articles in (JSON Lines), POST /v1/digests, poll the job, draw the stories;
// choosing a sentence shows its article with the sentence highlighted (from its offsets).

import { call, describeFailure, setApiKey } from "./api.js";
import { el, fill } from "./dom.js";

const POLL_MS = 400;
const FINAL = new Set(["succeeded", "partially_succeeded", "failed", "cancelled"]);
const $ = (id) => document.getElementById(id);
let articles = new Map();

function status(text, bad = false) {
  const node = $("status");
  node.textContent = text;
  node.classList.toggle("bad", bad);
}

function parseArticles(text) {
  const out = [];
  text.split("\n").forEach((line, n) => {
    if (!line.trim()) return;
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      throw new Error(`line ${n + 1} is not JSON`);
    }
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      throw new Error(`line ${n + 1} is not a JSON object`);
    }
    out.push(record);
  });
  if (!out.length) throw new Error("paste at least one article");
  return out;
}

function showSource(sentence, button) {
  document.querySelectorAll(".sentence.chosen").forEach((b) => b.classList.remove("chosen"));
  button.classList.add("chosen");
  const article = articles.get(String(sentence.document));
  const box = $("source");
  if (!article || typeof article.text !== "string" || sentence.start === null) {
    fill(box, el("p", { class: "hint" }, `from ${sentence.document ?? "no single article"}`));
    return;
  }
  const text = article.text;
  const mark = el("mark", { id: "source-mark" }, text.slice(sentence.start, sentence.end));
  fill(box, el("p", { class: "meta" }, `${article.title || sentence.document}${article.source ? ` · ${article.source}` : ""}`
    + ` · characters ${sentence.start}–${sentence.end}`),
  el("div", {}, text.slice(0, sentence.start), mark, text.slice(sentence.end)));
  mark.scrollIntoView({ block: "center" });
}

function drawStory(story) {
  const meta = [`${story.documents.length} article${story.documents.length === 1 ? "" : "s"}`];
  if (story.sources.length) meta.push(`sources: ${story.sources.join(", ")}`);
  if (story.duplicates.length) meta.push(`${story.duplicates.length} duplicate${story.duplicates.length === 1 ? "" : "s"}`);
  const body = story.sentences.map((sentence) => {
    const button = el("button", { type: "button", class: "sentence", title: `from ${sentence.document}` }, sentence.text);
    button.addEventListener("click", () => showSource(sentence, button));
    return [button, el("span", { class: "cite" }, String(sentence.document ?? ""))];
  });
  return el("li", { class: "story", id: story.id }, el("h3", {}, story.headline),
    el("p", { class: "meta" }, meta.join(" · ")), el("p", {}, body),
    el("p", { class: "meta" }, `articles: ${story.documents.join(", ")}`));
}

function draw(digest) {
  fill($("stories"), digest.stories.map(drawStory));
  fill($("errors"), digest.errors.length
    ? [el("h3", {}, "Refused articles"), el("ul", {}, digest.errors.map((e) => el("li", {}, `${e.id}: ${e.error.message}`)))]
    : []);
}

async function build(event) {
  event.preventDefault();
  setApiKey($("api-key").value);
  let documents;
  try {
    documents = parseArticles($("articles").value);
  } catch (exc) {
    status(exc.message, true);
    return;
  }
  articles = new Map(documents.map((d, i) => [String(d.id ?? i), d]));
  const words = Number.parseInt($("words").value, 10);
  status("Queued…");
  $("build").disabled = true;
  try {
    const query = $("digest-query").value.trim();
    const focus = query ? { query, query_filter: $("digest-query-filter").checked } : {};
    const submitted = await call("../v1/digests", { documents, length: { words }, ...focus });
    if (!submitted.ok) return status(describeFailure(submitted), true);
    let job = submitted.data;
    while (!FINAL.has(job.status)) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const polled = await call(`../v1/digests/${job.id}`);
      if (!polled.ok) return status(describeFailure(polled), true);
      job = polled.data;
      status(`${job.status}: ${Math.round(100 * job.progress)} %`);
    }
    const result = await call(`../v1/digests/${job.id}/result`);
    if (!result.ok) return status(describeFailure(result), true);
    draw(result.data);
    const left = result.data.filtered ? `; ${result.data.filtered.length} left out as not about the query` : "";
    status(`${result.data.stories.length} stories from ${documents.length} articles${left}`);
  } finally {
    $("build").disabled = false;
    document.body.dataset.done = String(Number(document.body.dataset.done || 0) + 1);
  }
}

async function start() {
  const config = await call("config.json");
  if (config.ok && config.data.api_key_required) $("key-row").hidden = false;
  $("digest-form").addEventListener("submit", build);
  document.body.dataset.ready = "true";
}

start();
