// One way for every input file (ports.json, gen/names.json, gen/images.json, gen/settings.json,
// gen/versions.json) to report what is wrong with it: each problem is one line
//   <file>: <key path>: expected <what is allowed>, got <what the file has>
// and gen/main.ts prints each line after `gen: `, then exits 1. The loaders collect every
// problem of a file before throwing, so one run lists them all.
import { readFileSync } from "node:fs";

export interface Problem {
  /**
   * Where in the file: "services.clickhouse.http", "vm.forwards[0].host", "" for the top level.
   * `null` for the file as a whole (it cannot be read or is not JSON): the line has no key path.
   */
  readonly path: string | null;
  readonly expected: string;
  readonly got: string;
}

const line = (file: string, p: Problem): string =>
  `${file}: ${p.path === null ? "" : `${p.path === "" ? "top level" : p.path}: `}expected ${p.expected}, got ${p.got}`;

/** Every problem of one input file. `message` is their lines; `lines(shown)` names the file as given. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
  ) {
    super(problems.map((p) => line(file, p)).join("\n"));
    this.name = "InputError";
  }

  /** One line per problem, naming the file as `shown` (e.g. relative to the working directory). */
  lines(shown: string = this.file): string[] {
    return this.problems.map((p) => line(shown, p));
  }
}

/** A value as the file has it, for `got`: JSON, or "nothing (missing)" for an absent key. */
export const show = (v: unknown): string => (v === undefined ? "nothing (missing)" : JSON.stringify(v));

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** "a.b" below `path` ("" is the top level). */
export const at = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

/** A quoted, comma-separated list: "a", "b". */
export const quoted = (items: readonly string[]): string => items.map((k) => JSON.stringify(k)).join(", ");

/** The problems found in one file so far; `done()` throws them all as one InputError. */
export class Problems {
  private readonly list: Problem[] = [];

  constructor(readonly file: string) {}

  get count(): number {
    return this.list.length;
  }

  /** `got` is the offending value (shown as JSON); use `gotText` for a description instead. */
  add(path: string, expected: string, got: unknown): void {
    this.list.push({ path, expected, got: show(got) });
  }

  addText(path: string | null, expected: string, gotText: string): void {
    this.list.push({ path, expected, got: gotText });
  }

  /** Reports `value` unless it is an object; returns it as one, or undefined. */
  object(value: unknown, path: string, expected: string): Record<string, unknown> | undefined {
    if (isObject(value)) return value;
    this.add(path, expected, value);
    return undefined;
  }

  /** Reports every key of `obj` (at `path`) that `allowed` does not list. */
  unknownKeys(obj: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    const where = path === "" ? "the top level" : path;
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.addText(at(path, key), `a key of ${where} (${quoted(allowed)})`, `unknown key ${JSON.stringify(key)}`);
    }
  }

  /** Reports every key of `required` that `obj` (at `path`) lacks. */
  missingKeys(obj: Record<string, unknown>, path: string, required: readonly string[]): void {
    const where = path === "" ? "the top level" : path;
    for (const key of required) {
      if (!(key in obj)) this.addText(at(path, key), `a value (${where} needs ${quoted(required)})`, show(undefined));
    }
  }

  /** Reports `value` unless it is a string `pattern` matches; `expected` says what is allowed. */
  string(value: unknown, path: string, pattern: RegExp, expected: string): value is string {
    if (typeof value === "string" && pattern.test(value)) return true;
    this.add(path, expected, value);
    return false;
  }

  /** Throws every problem found, if any. */
  done(): void {
    if (this.list.length > 0) this.fail();
  }

  /** Throws the problems found so far (for a file too broken to check further). */
  fail(): never {
    throw new InputError(this.file, this.list);
  }
}

/** Reads and parses a JSON input file; a file that cannot be read or parsed is an InputError. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, [{ path: null, expected: "a readable file", got: (e as Error).message }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(file, [{ path: null, expected: "valid JSON", got: (e as Error).message }]);
  }
}
