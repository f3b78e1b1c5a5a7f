// Configuration: flags > environment variables > defaults, every given value validated.
// One table (SETTINGS) drives parsing, error messages and --help, so they cannot disagree.
import { formatDuration, NS_PER_S, parseDuration } from "./duration.ts";
import { STRINGS } from "./random.ts";
import { VERSION } from "./version.ts";

export interface Config {
  /** random_number is uniform over the integers 0..maxNumber. */
  readonly maxNumber: number;
  /** random_string is uniform over the first numStrings of STRINGS. */
  readonly numStrings: number;
  /** Period between ticks in nanoseconds; 0 = as fast as stdout accepts. */
  readonly sleepDurationNs: number;
  /** Ticks per second; 0 = off. When on it replaces sleepDurationNs. */
  readonly rate: number;
  /** Stop (exit 0) after this many tick lines; 0 = never. */
  readonly maxLines: number;
  readonly healthPort: number;
  /** After the final line, keep answering /ready with 503 this long before exiting. */
  readonly shutdownDelayNs: number;
}

export const MAX_NUMBER_LIMIT = 2_147_483_647; // fits Int32 and UInt32 columns
export const RATE_LIMIT = 1_000_000;
const SLEEP_MIN_NS = 1_000; // 1µs, the same pace as the largest --rate
const SLEEP_MAX_NS = 24 * 3600 * NS_PER_S;
const SHUTDOWN_DELAY_MAX_NS = 30 * NS_PER_S;

type Key = keyof Config;

interface Setting {
  readonly key: Key;
  readonly flag: string;
  readonly env: string;
  readonly defaultValue: number;
  /** The value, or undefined when the text is not allowed. */
  readonly parse: (text: string) => number | undefined;
  /** Completes "expected ..." in error messages and --help. */
  readonly allowed: string;
  readonly help: string;
  readonly show: (value: number) => string;
}

function integerIn(min: number, max: number): (text: string) => number | undefined {
  return (text) => {
    if (!/^\d+$/u.test(text)) return undefined;
    const n = Number(text);
    return n >= min && n <= max ? n : undefined;
  };
}

function durationIn(minNs: number, maxNs: number, zeroAllowed: boolean): (text: string) => number | undefined {
  return (text) => {
    const ns = parseDuration(text);
    if (ns === undefined) return undefined;
    if (ns === 0) return zeroAllowed ? 0 : undefined;
    return ns >= minNs && ns <= maxNs ? ns : undefined;
  };
}

const DURATION_SYNTAX = "a duration such as 5s, 250ms or 1m30s (units ns, us, ms, s, m, h)";

export const SETTINGS: readonly Setting[] = [
  {
    key: "maxNumber",
    flag: "max-number",
    env: "LOGGEN_MAX_NUMBER",
    defaultValue: 100,
    parse: integerIn(0, MAX_NUMBER_LIMIT),
    allowed: `an integer from 0 to ${MAX_NUMBER_LIMIT}`,
    help: "random_number is a uniform integer from 0 to this value, inclusive",
    show: String,
  },
  {
    key: "numStrings",
    flag: "num-strings",
    env: "LOGGEN_NUM_STRINGS",
    defaultValue: STRINGS.length,
    parse: integerIn(1, STRINGS.length),
    allowed: `an integer from 1 to ${STRINGS.length}`,
    help: `random_string is uniform over the first N of: ${STRINGS.join(", ")}`,
    show: String,
  },
  {
    key: "sleepDurationNs",
    flag: "sleep-duration",
    env: "LOGGEN_SLEEP_DURATION",
    defaultValue: 5 * NS_PER_S,
    parse: durationIn(SLEEP_MIN_NS, SLEEP_MAX_NS, true),
    allowed: `${DURATION_SYNTAX} from 1us to 24h, or 0s for as fast as possible`,
    help: "period between tick lines (a fixed schedule, like a Go ticker); 0s = as fast as stdout accepts",
    show: formatDuration,
  },
  {
    key: "rate",
    flag: "rate",
    env: "LOGGEN_RATE",
    defaultValue: 0,
    parse: integerIn(0, RATE_LIMIT),
    allowed: `an integer from 0 (off) to ${RATE_LIMIT} lines per second`,
    help: "tick lines per second for load tests; when not 0 it replaces --sleep-duration",
    show: String,
  },
  {
    key: "maxLines",
    flag: "max-lines",
    env: "LOGGEN_MAX_LINES",
    defaultValue: 0,
    parse: integerIn(0, Number.MAX_SAFE_INTEGER),
    allowed: `an integer from 0 (no limit) to ${Number.MAX_SAFE_INTEGER}`,
    help: "exit 0 after this many tick lines; 0 = run until a signal",
    show: String,
  },
  {
    key: "healthPort",
    flag: "health-port",
    env: "LOGGEN_HEALTH_PORT",
    defaultValue: 8081,
    parse: integerIn(1, 65535),
    allowed: "an integer from 1 to 65535",
    help: "TCP port of the health server (GET /health, GET /ready), on all interfaces",
    show: String,
  },
  {
    key: "shutdownDelayNs",
    flag: "shutdown-delay",
    env: "LOGGEN_SHUTDOWN_DELAY",
    defaultValue: 0,
    parse: durationIn(1, SHUTDOWN_DELAY_MAX_NS, true),
    allowed: `${DURATION_SYNTAX} from 0s to 30s`,
    help: "after SIGTERM/SIGINT and the final line, keep answering /ready with 503 this long before exiting",
    show: formatDuration,
  },
];

export type ParseOutcome =
  | { readonly kind: "run"; readonly config: Config }
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "version"; readonly text: string }
  | { readonly kind: "error"; readonly message: string };

export type Env = Readonly<Record<string, string | undefined>>;

/** A value as the user wrote it, quoted and escaped so the message stays on one line. */
function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return JSON.stringify(shown);
}

const invalid = (name: string, text: string, s: Setting): ParseOutcome => ({
  kind: "error",
  message: `loggen: invalid ${name} ${quote(text)}: expected ${s.allowed}`,
});

const HELP_FLAGS = new Set(["-h", "--help", "-help"]);
const VERSION_FLAGS = new Set(["--version", "-version"]);

/**
 * Reads argv (without node and the script) and the environment. Pure: the caller
 * prints and exits. Errors come back as one line: loggen: invalid <flag or VAR> "<value>": expected <allowed>.
 */
export function parseConfig(argv: readonly string[], env: Env): ParseOutcome {
  if (argv.some((a) => HELP_FLAGS.has(a))) return { kind: "help", text: helpText() };
  if (argv.some((a) => VERSION_FLAGS.has(a))) return { kind: "version", text: `loggen ${VERSION}\n` };

  const fromFlags = new Map<Key, number>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    // Go's flag package accepts -name as well as --name; so do we.
    const m = /^--?([^=]+)(?:=(.*))?$/su.exec(arg);
    if (arg === "--" || m === null) {
      const extra = arg === "--" ? argv[i + 1] : arg;
      if (extra === undefined) break; // a trailing "--" ends the flags and nothing follows
      return { kind: "error", message: `loggen: unexpected argument ${quote(extra)}: loggen takes only flags (see loggen --help)` };
    }
    const [, name = "", inline] = m;
    const setting = SETTINGS.find((s) => s.flag === name);
    if (setting === undefined) return { kind: "error", message: `loggen: unknown flag ${quote(arg)} (see loggen --help)` };
    let text = inline;
    if (text === undefined) {
      text = argv[i + 1];
      if (text === undefined) return { kind: "error", message: `loggen: flag --${setting.flag} needs a value: expected ${setting.allowed}` };
      i++;
    }
    const value = setting.parse(text);
    if (value === undefined) return invalid(`--${setting.flag}`, text, setting);
    fromFlags.set(setting.key, value); // a repeated flag: the last one wins, as in Go
  }

  const values = {} as Record<Key, number>; // filled for every key by the loop below
  for (const s of SETTINGS) {
    const text = env[s.env];
    // Unset and empty are the same (Kubernetes and shells produce empty values), but any
    // other value is checked even when a flag overrides it: a typo must not lie in wait.
    let fromEnv: number | undefined;
    if (text !== undefined && text !== "") {
      fromEnv = s.parse(text);
      if (fromEnv === undefined) return invalid(s.env, text, s);
    }
    values[s.key] = fromFlags.get(s.key) ?? fromEnv ?? s.defaultValue;
  }
  return { kind: "run", config: values };
}

/** Nanoseconds between ticks actually used: --rate wins over --sleep-duration; 0 = unpaced. */
export function effectiveIntervalNs(config: Config): number {
  return config.rate > 0 ? NS_PER_S / config.rate : config.sleepDurationNs;
}

/** The config as the start line reports it (snake_case, durations as Go strings). */
export function describeConfig(config: Config): Record<string, string | number> {
  const interval = effectiveIntervalNs(config);
  return {
    mode: config.rate > 0 ? "rate" : interval === 0 ? "unpaced" : "interval",
    max_number: config.maxNumber,
    num_strings: config.numStrings,
    sleep_duration: formatDuration(config.sleepDurationNs),
    rate: config.rate,
    max_lines: config.maxLines,
    health_port: config.healthPort,
    shutdown_delay: formatDuration(config.shutdownDelayNs),
  };
}

export function helpText(): string {
  const rows = SETTINGS.map(
    (s) =>
      `  --${s.flag} VALUE\n` +
      `      env ${s.env}, default ${s.show(s.defaultValue)}\n` +
      `      ${s.help}\n` +
      `      allowed: ${s.allowed}\n`,
  ).join("");
  return `loggen ${VERSION}: writes one JSON log line (pino) per tick to stdout.

Usage: loggen [--flag VALUE | --flag=VALUE]...

A tick line looks like
  {"level":30,"time":1700000000000,"pid":1,"hostname":"h","msg":"tick","count":1,"random_number":42,"random_string":"gamma"}
count runs 1, 2, 3, ... without gaps. "loggen started" (with the effective config) and
"loggen stopped" (with total_count) lines frame the ticks. See README.md for every field.

Flags:
${rows}  -h, --help      print this help and exit 0
  --version       print the version and exit 0

Precedence: a flag beats its environment variable, which beats the default. An empty
variable counts as unset. Every value given is validated, even one a flag overrides;
an invalid one exits 2 with one line on stderr naming it. Flags may also be written
with one dash (-max-number 5), as in Go.

Health server: GET /health -> 200 "ok"; GET /ready -> 200 "ready" while running,
503 "shutting down" once shutdown has begun; anything else -> 404.

Signals: SIGTERM or SIGINT stops the ticks, makes /ready answer 503, writes the
"loggen stopped" line, waits --shutdown-delay, closes the server and exits 0.
A second SIGTERM/SIGINT exits at once with 128 + the signal number (143 or 130).

Exit codes: 0 after a signal or --max-lines, 1 on a runtime failure (health port
in use, stdout write error), 2 on invalid configuration. When stdout's reader goes
away (EPIPE, e.g. loggen | head), loggen exits 0 without a word.
`;
}
