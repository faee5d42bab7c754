// ROUGE-1, ROUGE-2 and ROUGE-L as Google's rouge-score computes them without stemming:
// lower-case, keep runs of ASCII letters and digits as tokens, count clipped n-gram overlaps
// (ROUGE-N) or the longest common subsequence (ROUGE-L); precision over the prediction,
// recall over the target, F1 their harmonic mean.

/** Tokens of `text` as rouge-score's default tokenizer makes them (no stemming). */
export function tokenize(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, " ").split(" ").filter((t) => t.length > 0);
}

function ngramCounts(tokens, n) {
  const counts = new Map();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(" ");
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  return counts;
}

function score(overlap, targetTotal, predictionTotal) {
  const precision = overlap / Math.max(predictionTotal, 1);
  const recall = overlap / Math.max(targetTotal, 1);
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}

/** ROUGE-N between token lists. */
export function rougeN(target, prediction, n) {
  const t = ngramCounts(target, n);
  const p = ngramCounts(prediction, n);
  let overlap = 0;
  for (const [key, count] of t) overlap += Math.min(count, p.get(key) || 0);
  const total = (counts) => [...counts.values()].reduce((a, b) => a + b, 0);
  return score(overlap, total(t), total(p));
}

/** ROUGE-L (longest common subsequence) between token lists. */
export function rougeL(target, prediction) {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  let previous = new Array(prediction.length + 1).fill(0);
  for (let i = 1; i <= target.length; i++) {
    const row = new Array(prediction.length + 1).fill(0);
    for (let j = 1; j <= prediction.length; j++) {
      row[j] = target[i - 1] === prediction[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], row[j - 1]);
    }
    previous = row;
  }
  const lcs = previous[prediction.length];
  return score(lcs, target.length, prediction.length);
}

/** `{rouge1, rouge2, rougeL}` of `prediction` against `target`, like `RougeScorer.score(target, prediction)`. */
export function rougeScores(target, prediction) {
  const t = tokenize(target);
  const p = tokenize(prediction);
  return { rouge1: rougeN(t, p, 1), rouge2: rougeN(t, p, 2), rougeL: rougeL(t, p) };
}
