// Go-style durations ("5s", "250ms", "1m30s", "1.5h"), as the seed design's
// time.ParseDuration accepted them, so existing manifests keep working.
// Values are whole nanoseconds held in a number: exact up to 2^53 ns (~104 days),
// far beyond any limit loggen accepts.

const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n], // U+00B5 micro sign, as Go prints it
  ["μs", 1_000n], // U+03BC greek mu, which Go accepts too
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

// One "<number><unit>" term; Go allows "5", "5.", ".5" and "5.25" as the number.
const TERM = /^(\d*)(?:\.(\d*))?([^\d.]*)/u;

export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/**
 * Parses a Go duration into nanoseconds. Returns undefined when the text is not a
 * duration at all; the sign is kept so callers can report negative values by range.
 * Fractions below a nanosecond are truncated, as in Go.
 */
export function parseDuration(text: string): number | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return undefined;

  let total = 0n;
  while (rest !== "") {
    const m = TERM.exec(rest);
    if (m === null) return undefined;
    const [whole, intDigits = "", fracDigits = "", unit = ""] = m;
    if (intDigits === "" && fracDigits === "") return undefined;
    const unitNs = UNIT_NS.get(unit);
    if (unitNs === undefined) return undefined;
    total += BigInt(intDigits === "" ? "0" : intDigits) * unitNs;
    if (fracDigits !== "") total += (BigInt(fracDigits) * unitNs) / 10n ** BigInt(fracDigits.length);
    // Stop early on absurd values so a 10,000-digit input cannot build a huge bigint.
    if (total > BigInt(Number.MAX_SAFE_INTEGER)) return negative ? -Infinity : Infinity;
    rest = rest.slice(whole.length);
  }
  const ns = Number(total);
  return negative && ns !== 0 ? -ns : ns;
}

function withFraction(value: number, digits: number): string {
  const scale = 10 ** digits;
  const whole = Math.floor(value / scale);
  const frac = String(value % scale).padStart(digits, "0").replace(/0+$/u, "");
  return frac === "" ? String(whole) : `${whole}.${frac}`;
}

/** Formats nanoseconds the way Go's Duration.String does: "5s", "1m30s", "250ms", "1h0m0s". */
export function formatDuration(ns: number): string {
  if (!Number.isSafeInteger(ns) || ns < 0) throw new RangeError(`formatDuration: expected whole non-negative nanoseconds, got ${ns}`);
  if (ns === 0) return "0s";
  if (ns < 1_000) return `${ns}ns`;
  if (ns < NS_PER_MS) return `${withFraction(ns, 3)}µs`;
  if (ns < NS_PER_S) return `${withFraction(ns, 6)}ms`;
  const totalSeconds = Math.floor(ns / NS_PER_S);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const seconds = withFraction((totalSeconds % 60) * NS_PER_S + (ns % NS_PER_S), 9);
  return `${hours > 0 ? `${hours}h` : ""}${hours > 0 || minutes > 0 ? `${minutes}m` : ""}${seconds}s`;
}
