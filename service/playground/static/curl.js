// The request the page sent, as a shell command anyone can run (the key stays out of it).

/** `value` quoted for a POSIX shell. */
export function shellQuote(value) {
  return `'${String(value).replace(/'/g, "'\\''")}'`;
}

/**
 * A curl command posting `body` to `url`. The JSON goes through a quoted here-document, so no
 * character of the article needs escaping; with `withKey` the key is read from
 * `$SUMMARIZE_API_KEY` instead of being written into the command.
 */
export function curlCommand(url, body, withKey) {
  const lines = [
    `curl -sS -X POST ${shellQuote(url)} \\`,
    "  -H 'Content-Type: application/json' \\",
  ];
  if (withKey) lines.push('  -H "Authorization: Bearer $SUMMARIZE_API_KEY" \\');
  lines.push("  --data-binary @- <<'JSON'", JSON.stringify(body, null, 2), "JSON");
  return lines.join("\n");
}
