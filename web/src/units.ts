// Token amounts: POP has 12 decimals, LIT 9 (pop-primitives' currency units).

export const POP_DECIMALS = 12;
export const LIT_DECIMALS = 9;

/** `amount` base units as a decimal string with `decimals` places, trailing zeros cut. */
export function format(amount: bigint, decimals: number): string {
  const neg = amount < 0n;
  const a = neg ? -amount : amount;
  const unit = 10n ** BigInt(decimals);
  const whole = a / unit;
  const frac = (a % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${grouped}${frac ? "." + frac : ""}`;
}

/** Base units of a decimal string (`"1.5"` POP → 1_500_000_000_000n); throws on bad input. */
export function parse(text: string, decimals: number): bigint {
  const trimmed = text.trim();
  // Commas only as thousands separators (1,000.5); a decimal comma (1,5) is refused, not read
  // as 15.
  if (trimmed.includes(",") && !/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(trimmed)) {
    throw new Error(`"${text}" is not an amount: use a point for decimals (1.5)`);
  }
  const t = trimmed.replace(/,/g, "");
  const m = /^(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) throw new Error(`"${text}" is not an amount`);
  const frac = m[2] ?? "";
  if (frac.length > decimals) throw new Error(`at most ${decimals} decimal places`);
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, "0") || "0");
}
