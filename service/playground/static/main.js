// The playground page: reads the form, calls the API, draws the answer.

import { apiUrl, call, describeFailure, hasApiKey, setApiKey } from "./api.js";
import { renderComparison } from "./compare.js";
import { curlCommand } from "./curl.js";
import { el, fill } from "./dom.js";
import { addQuery, markQuery, QUERY_FIELDS, queryHint } from "./query.js";
import {
  documentText, renderArticle, renderFaithfulness, renderLegend, renderMeta, renderRemoved,
  renderSummary, showSupport,
} from "./render.js";

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("form"), keyRow: $("key-row"), key: $("api-key"), title: $("title"), article: $("article"),
  method: $("method"), methodInfo: $("method-info"), lengthKind: $("length-kind"), lengthValue: $("length-value"),
  language: $("language"), order: $("order"), abstractive: $("abstractive-settings"), model: $("model"),
  beams: $("beams"), beamsHint: $("beams-hint"), summarize: $("summarize"), compareMethods: $("compare-methods"),
  compare: $("compare"), status: $("status"), error: $("error"), results: $("results"), resultsTitle: $("results-title"),
  meta: $("summary-meta"), warnings: $("warnings"), summary: $("summary"), faithfulness: $("faithfulness"),
  legend: $("legend"), articleHelp: $("article-help"), articleView: $("article-view"),
  removedDetails: $("removed-details"), removedList: $("removed-list"), removedCount: $("removed-count"),
  comparison: $("comparison"), columns: $("compare-columns"), picks: $("picks"), overlap: $("overlap"),
  request: $("request-section"), curl: $("curl"), copy: $("copy-curl"), raw: $("raw"),
  trySample: $("try-sample"), empty: $("empty-state"),
  query: $("query"), queryHint: $("query-hint"),
};

//: An article to try the playground on (written for it: a made-up story, free to reuse).
const SAMPLE_ARTICLE = [
  "City council approves budget that cuts spending by a fifth",
  "By Jane Doe, Staff Writer",
  "RIVERTON – The city council approved a budget on Monday that cuts spending by a fifth over the next "
    + "two years, ending months of argument over how to close a growing deficit.",
  "The plan, passed by seven votes to four, merges three library branches, delays the new bus depot and "
    + "freezes hiring in every department except the fire service.",
  "Mayor Ana Ruiz said the cuts were painful but unavoidable after the city lost its largest employer last year.",
  "Opponents said the council had rushed the vote and warned that closing libraries would hurt the poorest "
    + "neighbourhoods most.",
  "The budget takes effect in January, and the council will review it again in the spring.",
  "Sign up for our daily newsletter to get the latest city news in your inbox.",
].join("\n");

const LENGTH_DEFAULTS = {
  sentences: { value: "3", min: "1", step: "1" },
  ratio: { value: "0.2", min: "0.01", step: "0.05", max: "1" },
  words: { value: "80", min: "1", step: "1" },
};
const FIELD_INPUTS = {
  text: "article", html: "article", length: "length-value", language: "language", method: "method",
  "options.model": "model", "options.num_beams": "beams", "options.title": "title", "options.order": "order",
  ...QUERY_FIELDS,
};
const COMPARE_DEFAULTS = ["lead", "lexrank", "textrank"];

const state = { config: null, methods: [], busy: false, done: 0 };

// --- status, errors, busy --------------------------------------------------------------------

function say(message) {
  ui.status.textContent = message;
}

function showError(message, fieldId = null) {
  ui.error.textContent = message;
  ui.error.hidden = false;
  ui.error.scrollIntoView({ block: "start" });
  if (fieldId) {
    const input = $(fieldId);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-errormessage", "error");
    }
  }
}

function clearError() {
  ui.error.hidden = true;
  ui.error.textContent = "";
  for (const input of ui.form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-errormessage");
  }
}

function fieldFor(failure) {
  const field = failure.error.details && failure.error.details.field;
  if (failure.status === 401) return "api-key";
  if (typeof field !== "string") return null;
  if (FIELD_INPUTS[field]) return FIELD_INPUTS[field];
  const root = field.split(".")[0];
  return FIELD_INPUTS[root] || null;
}

function showFailure(failure) {
  if (failure.status === 401) ui.keyRow.hidden = false;
  showError(describeFailure(failure), fieldFor(failure));
  say("");
}

/** Counts answers drawn (in `data-done` on the body): lets a script or a test wait for one. */
function finished() {
  document.body.dataset.done = String(++state.done);
}

function setBusy(busy, message = "") {
  state.busy = busy;
  ui.summarize.disabled = busy;
  ui.compare.disabled = busy;
  document.querySelector(".output").setAttribute("aria-busy", String(busy));
  if (message) say(message);
}

// --- configuration and methods ---------------------------------------------------------------

async function loadConfig() {
  const res = await call("playground/config.json");
  state.config = res.ok ? res.data : { api_key_required: false, languages: ["english"], auto_language: false };
  ui.keyRow.hidden = !state.config.api_key_required;
  const languages = [];
  if (state.config.auto_language) languages.push(el("option", { value: "auto" }, "detect automatically"));
  for (const name of state.config.languages) languages.push(el("option", { value: name }, name));
  fill(ui.language, languages);
  ui.language.value = state.config.auto_language ? "auto" : "english";
}

async function loadMethods() {
  if (state.config.api_key_required && !hasApiKey()) {
    fill(ui.method, el("option", { value: "" }, "enter the API key to list the methods"));
    return false;
  }
  const res = await call("v1/methods");
  if (!res.ok) {
    fill(ui.method, el("option", { value: "" }, "no methods: see the message"));
    showFailure(res);
    return false;
  }
  const previous = ui.method.value;
  state.methods = res.data.methods;
  fill(ui.method, state.methods.map((m) => el("option", { value: m.name },
    m.available ? `${m.name} (${m.kind})` : `${m.name} (${m.kind}, unavailable here)`)));
  const names = state.methods.map((m) => m.name);
  const preferred = state.config.default_method;
  ui.method.value = names.includes(previous) ? previous : names.includes(preferred) ? preferred : names[0];
  fill(ui.compareMethods, state.methods.map((m) => {
    const box = el("input", { type: "checkbox", value: m.name, id: `compare-${m.name}` });
    // the default method is always in the comparison, beside the classic baselines
    box.checked = m.available && (COMPARE_DEFAULTS.includes(m.name) || m.name === state.config.default_method);
    return el("label", { for: `compare-${m.name}`, class: m.available ? "" : "unavailable" }, box, ` ${m.name}`);
  }));
  methodChanged();
  clearError();
  return true;
}

function currentMethod() {
  return state.methods.find((m) => m.name === ui.method.value) || null;
}

function parameter(method, name) {
  return method ? (method.parameters || []).find((p) => p.name === name) || null : null;
}

function methodChanged() {
  const method = currentMethod();
  if (!method) return;
  const sentence = (text) => (/[.!?]$/.test(text) ? text : `${text}.`);
  const info = [sentence(method.description)];
  if (!method.available) info.push(`Unavailable here: ${sentence(method.reason)}`, method.fix ? `Fix: ${sentence(method.fix)}` : "");
  ui.methodInfo.textContent = info.filter(Boolean).join(" ");
  queryHint(ui.queryHint, ui.query, method);
  const abstractive = method.kind === "abstractive";
  ui.abstractive.hidden = !abstractive;
  if (abstractive) {
    const models = method.models || [];
    const choices = models.length ? models : (parameter(method, "model")?.choices || []).map((name) => ({ name }));
    fill(ui.model, choices.map((m) => el("option", { value: m.name },
      `${m.name}${m.default ? " (default)" : ""}${m.present === false ? " (not on this machine)" : ""}`)));
    const fallback = choices.find((m) => m.default) || choices[0];
    if (fallback) ui.model.value = fallback.name;
    const beams = parameter(method, "num_beams");
    if (beams) {
      if (beams.minimum !== undefined) ui.beams.min = beams.minimum;
      if (beams.maximum !== undefined) ui.beams.max = beams.maximum;
      ui.beamsHint.textContent = `${beams.minimum ?? 1} to ${beams.maximum ?? "…"}; empty: the model's default`;
    }
  }
}

function lengthKindChanged() {
  const d = LENGTH_DEFAULTS[ui.lengthKind.value];
  ui.lengthValue.value = d.value;
  ui.lengthValue.min = d.min;
  ui.lengthValue.step = d.step;
  if (d.max) ui.lengthValue.max = d.max;
  else ui.lengthValue.removeAttribute("max");
}

// --- requests ----------------------------------------------------------------------------------

/** A number when the field holds one; the raw string otherwise (the service explains what is wrong). */
function numberOrRaw(raw) {
  const trimmed = raw.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/** The JSON body of `POST /v1/summarize` for `methodName` with the form's settings. */
function requestBody(methodName) {
  const method = state.methods.find((m) => m.name === methodName);
  const source = ui.form.querySelector("input[name=source]:checked").value;
  const body = { [source]: ui.article.value, method: methodName };
  body.length = { [ui.lengthKind.value]: numberOrRaw(ui.lengthValue.value) };
  body.language = ui.language.value;
  body.offsets = "utf16";
  const options = {};
  if (ui.title.value.trim() && parameter(method, "title")) options.title = ui.title.value.trim();
  if (ui.order.value !== "document") options.order = ui.order.value;
  if (parameter(method, "all_sentences")) options.all_sentences = true;
  if (method && method.kind === "abstractive") {
    if (ui.model.value && parameter(method, "model")) options.model = ui.model.value;
    if (ui.beams.value.trim() !== "" && parameter(method, "num_beams")) options.num_beams = numberOrRaw(ui.beams.value);
  }
  if (Object.keys(options).length) body.options = options;
  return addQuery(body, method, ui.query);
}

async function ready() {
  clearError();
  if (!ui.keyRow.hidden) setApiKey(ui.key.value);
  if (state.config.api_key_required && !hasApiKey()) {
    showError("Enter the API key first.", "api-key");
    ui.key.focus();
    return false;
  }
  if (!state.methods.length && !(await loadMethods())) return false;
  if (!ui.article.value.trim()) {
    showError("Paste an article first.", "article");
    ui.article.focus();
    return false;
  }
  return true;
}

async function summarize() {
  if (state.busy) return;
  if (!(await ready())) {
    finished();
    return;
  }
  const body = requestBody(ui.method.value);
  setBusy(true, `Summarizing with ${body.method}…`);
  const res = await call("v1/summarize", body);
  setBusy(false);
  showRequest(body, res);
  if (!res.ok) {
    ui.results.hidden = true;
    showFailure(res);
  } else {
    showResult(res.data, body, res.requestId);
    say(`Summary ready: ${res.data.length.sentences} sentences by ${res.data.method}.`);
  }
  finished();
}

async function compare() {
  if (state.busy) return;
  const names = [...ui.compareMethods.querySelectorAll("input:checked")].map((box) => box.value);
  if (!(await ready()) || names.length < 2) {
    if (names.length < 2 && ui.error.hidden) {
      showError("Pick two or more methods to compare.");
      ui.compareMethods.querySelector("input")?.focus();
    }
    finished();
    return;
  }
  setBusy(true);
  const runs = [];
  for (const [i, name] of names.entries()) {
    say(`Comparing: ${name} (${i + 1} of ${names.length})…`);
    const body = requestBody(name);
    const res = await call("v1/summarize", body);
    runs.push(res.ok
      ? { method: name, body, result: res.data, requestId: res.requestId, error: null, response: res }
      : { method: name, body, result: null, error: describeFailure(res), response: res });
  }
  setBusy(false);
  renderComparison({ columns: ui.columns, picks: ui.picks, overlap: ui.overlap }, runs, (run) => {
    showRequest(run.body, run.response);
    showResult(run.result, run.body, run.requestId);
    ui.resultsTitle.focus();
  });
  ui.comparison.hidden = false;
  ui.empty.hidden = true;
  const failed = runs.filter((r) => !r.result).length;
  say(`Compared ${runs.length} methods${failed ? `; ${failed} failed` : ""}.`);
  finished();
}

// --- drawing -----------------------------------------------------------------------------------

function showResult(result, body, requestId) {
  const text = documentText(result, body.text ?? "");
  renderMeta(ui.meta, result, requestId);
  fill(ui.warnings, (result.warnings || []).map((w) => el("li", {}, w)));
  ui.warnings.hidden = !(result.warnings || []).length;
  renderSummary(ui.summary, result, (index, button) => {
    const on = button.getAttribute("aria-pressed") !== "true";
    showSupport(ui.articleView, ui.summary, on ? index : -1);
  });
  renderFaithfulness(ui.faithfulness, result);
  renderLegend(ui.legend, result);
  renderArticle(ui.articleView, text, result);
  markQuery(ui.articleView, result);
  ui.articleHelp.textContent = body.html !== undefined && typeof result.extracted_text !== "string"
    ? "The answer does not carry the text extracted from the HTML, so the article cannot be shown."
    : result.kind === "extractive"
    ? `The summary's sentences are highlighted with their rank${result.all_sentences ? "; the colour of every sentence follows its score" : ""}. Grey passages were left out; hover one for the reason.`
    : "The summary was written by a model; grey passages of the article were left out of its input.";
  renderRemoved(ui.removedDetails, ui.removedList, ui.removedCount, result);
  ui.results.hidden = false;
  ui.empty.hidden = true;
}

function showRequest(body, res) {
  fill(ui.curl, curlCommand(apiUrl("v1/summarize"), body, state.config.api_key_required));
  fill(ui.raw, res.data === null ? "(no JSON answer)" : JSON.stringify(res.data, null, 2));
  ui.request.hidden = false;
}

async function copyCurl() {
  const text = ui.curl.textContent;
  try {
    await navigator.clipboard.writeText(text);
    say("The curl command is on the clipboard.");
  } catch {
    const range = document.createRange();
    range.selectNodeContents(ui.curl);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    say("The curl command is selected: press Ctrl+C to copy it.");
  }
}

// --- wiring ------------------------------------------------------------------------------------

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  summarize();
});
ui.compare.addEventListener("click", compare);
ui.trySample.addEventListener("click", () => {
  ui.article.value = SAMPLE_ARTICLE;
  const text = document.querySelector('input[name="source"][value="text"]');
  if (text) text.checked = true;
  ui.form.requestSubmit();
});
ui.copy.addEventListener("click", copyCurl);
ui.method.addEventListener("change", methodChanged);
ui.lengthKind.addEventListener("change", lengthKindChanged);
ui.article.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});
ui.key.addEventListener("change", () => {
  setApiKey(ui.key.value);
  loadMethods();
});

(async () => {
  await loadConfig();
  await loadMethods();
  document.body.dataset.ready = "true";
})();
