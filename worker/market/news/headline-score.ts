/**
 * An explainable headline score in [−1, 1]: each keyword rule that matches adds its weight (bearish negative,
 * bullish positive) and the sum is clamped. No model, no context: the prompt tells the AI it is unverified.
 */
const RULES: ReadonlyArray<readonly [RegExp, number]> = [
  [/\b(hack(s|ed|er|ers)?|exploit(s|ed)?|drain(s|ed)?|stolen|breach(es|ed)?)\b/i, -0.8],
  [/\b(de-?peg(s|ged)?|loses? (its )?peg)\b/i, -0.8],
  [/\b(delist(s|ed|ing)?)\b/i, -0.7],
  [/\b(outage|halts? (withdrawals|trading)|suspends? (withdrawals|trading)|down for)\b/i, -0.6],
  [/\b(lawsuit|sues?|sued|charges?d?|indict(ed|ment)|fraud|scam|probe)\b/i, -0.5],
  [/\b(crash(es|ed)?|plunges?d?|tumbles?d?|liquidat(ed|ions?)|sell-?off|bankrupt(cy)?|insolven(t|cy))\b/i, -0.5],
  [/\b(ban(s|ned)?|crackdown)\b/i, -0.4],
  [/\b(list(s|ed|ing)?|adds? support)\b/i, 0.5],
  [/\betfs?\b.*\b(approv(al|es|ed)|launch(es|ed)?|inflows?)\b|\b(approv(al|es|ed))\b.*\betfs?\b/i, 0.7],
  [/\b(partner(s|ship|ships|ed)?|integrat(es|ed|ion))\b/i, 0.4],
  [/\b(upgrade[sd]?|mainnet|hard fork)\b/i, 0.3],
  [/\b(surge[sd]?|rall(y|ies|ied)|soar(s|ed)?|all-time high|record high|jumps?)\b/i, 0.4],
  [/\b(adoption|adopts?|reserve)\b/i, 0.3],
];

export function headlineScore(title: string): number {
  let sum = 0;
  for (const [pattern, weight] of RULES) if (pattern.test(title)) sum += weight;
  return Math.max(-1, Math.min(1, Math.round(sum * 100) / 100));
}
