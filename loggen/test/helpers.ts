// Shared by the process-level tests: spawn the built program and read its JSON lines.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The compiled entry point, found relative to this file so any cwd works. */
export const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm --prefix loggen run build\` before the tests`);
}

/** A port that was free a moment ago (the OS does not hand it out again right away). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

/** Environment without any LOGGEN_* variable of the caller, plus the given ones. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("LOGGEN_")) env[k] = v;
  return { ...env, ...extra };
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  readonly at: number;
}

/** A running loggen whose stdout is split into lines as they arrive. */
export class Loggen {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<Exit>;
  #partial = "";
  #waiters: Array<() => void> = [];

  constructor(args: readonly string[], env: Record<string, string> = {}) {
    assertBuilt();
    this.child = spawn(process.execPath, [MAIN, ...args], { env: cleanEnv(env) });
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      const parts = (this.#partial + chunk).split("\n");
      this.#partial = parts.pop() ?? "";
      this.lines.push(...parts);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.child.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      // "close" waits for stdout to be drained, so every line is in this.lines by then.
      this.child.on("close", (code, signal) => {
        for (const wake of this.#waiters.splice(0)) wake();
        resolve({ code, signal, at: performance.now() });
      });
    });
  }

  /** Bytes after the last newline: a line cut off mid-way would show up here. */
  get partial(): string {
    return this.#partial;
  }

  /** Every stdout line parsed; a line that is not a JSON object fails the test. */
  records(): Array<Record<string, unknown>> {
    return this.lines.map((line) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`not a JSON object: ${line}`);
      return value as Record<string, unknown>;
    });
  }

  /** Resolves with the first record whose msg is `msg`; rejects on exit or timeout. */
  async waitFor(msg: string, timeoutMs = 5_000): Promise<Record<string, unknown>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.records().find((r) => r["msg"] === msg);
      if (found !== undefined) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`loggen exited before logging "${msg}"; stderr: ${this.stderr}`);
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no "${msg}" line within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Runs loggen to completion (for invalid configurations and --help). */
export async function runToExit(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = new Loggen(args, env);
  const exit = await p.exited;
  return { code: exit.code, stdout: p.lines.join("\n") + p.partial, stderr: p.stderr };
}

export async function get(port: number, path: string, method = "GET"): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, body: await res.text() };
}

/** Why CPU time of a child cannot be read here, or false if it can (Linux /proc). */
export const noProcCpu: string | false = existsSync("/proc/self/stat") ? false : "no /proc/<pid>/stat (not Linux)";

/** Kernel clock ticks per second (USER_HZ), the unit of utime and stime in /proc/<pid>/stat. */
export function clockTicks(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  } catch {
    return 100; // no getconf (e.g. a Nix build sandbox): Linux fixes USER_HZ at 100 on x86 and arm
  }
}

/** CPU seconds (user + system, all threads) a running process has used so far. */
export function cpuSeconds(pid: number, hz: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces:
  // state is field 3, utime 14 and stime 15 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / hz;
}
