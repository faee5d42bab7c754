// The page's only way to the service: JSON over fetch, the API key held in memory only, and
// every failure turned into one readable message (the error envelope's, when there is one).

let apiKey = "";

/** Keep `key` for the next requests (memory only: never stored anywhere). */
export function setApiKey(key) {
  apiKey = key.trim();
}

export function hasApiKey() {
  return apiKey !== "";
}

/** An absolute URL of an API path, relative to the page (so a reverse proxy's prefix is kept). */
export function apiUrl(path) {
  return new URL(path, document.baseURI).href;
}

/**
 * GET or POST `path`; resolves to `{ok, status, data, error, retryAfter, requestId}`, never rejects.
 * `error` is `{code, message, details}`: the service's envelope, or one made here when the
 * answer was not JSON or the service could not be reached.
 */
export async function call(path, body = undefined) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  let response;
  try {
    response = await fetch(apiUrl(path), {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (exc) {
    return failure(0, "unreachable", `could not reach the service (${exc.message || exc})`);
  }
  const retryAfter = response.headers.get("Retry-After");
  const requestId = response.headers.get("X-Request-ID");
  let data = null;
  try {
    data = await response.json();
  } catch {
    const result = failure(response.status, "not_json", `the service answered ${response.status} without JSON`);
    return { ...result, retryAfter, requestId };
  }
  if (response.ok) return { ok: true, status: response.status, data, error: null, retryAfter, requestId };
  const error = data && data.error && typeof data.error.message === "string"
    ? { code: data.error.code, message: data.error.message, details: data.error.details || {} }
    : { code: `http_${response.status}`, message: `the service answered ${response.status}`, details: {} };
  return { ok: false, status: response.status, data, error, retryAfter, requestId };
}

function failure(status, code, message) {
  return { ok: false, status, data: null, error: { code, message, details: {} }, retryAfter: null, requestId: null };
}

/** One sentence or two for a person, from a failed call (status, code, message, what to do). */
export function describeFailure(result) {
  const { status, error } = result;
  const head = status ? `${status} ${error.code}` : error.code;
  let advice = "";
  if (status === 503 && error.code === "model_missing") {
    // waiting never brings a model: only downloading or configuring one does (the message says how)
    const fix = error.details && error.details.fix;
    if (fix && !error.message.includes(fix)) advice = ` Fix: ${fix}`;
  } else if (status === 503) {
    const wait = result.retryAfter ? ` Try again in ${result.retryAfter} s.` : " Try again shortly.";
    advice = error.code === "server_busy" ? ` The service is busy.${wait}` : wait;
    const fix = error.details && error.details.fix;
    if (fix && !error.message.includes(fix)) advice += ` Fix: ${fix}`;
  } else if (status === 401) {
    advice = " Enter a valid API key above.";
  } else if (status === 504) {
    advice = " Try a shorter article or a faster method.";
  } else if (status >= 500) {
    advice = " This is the service's fault, not the request's.";
  }
  const stop = /[.!?]$/.test(error.message) ? "" : ".";
  return `${head}: ${error.message}${stop}${advice}`;
}
