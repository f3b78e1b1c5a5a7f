#!/usr/bin/env node
// Entry point: configuration, health server, tick loop and the shutdown sequence.
import { constants } from "node:os";
import { pino } from "pino";
import { describeConfig, effectiveIntervalNs, parseConfig, type Config } from "./config.ts";
import { startHealthServer, type HealthServer } from "./health.ts";
import { osSeededRng } from "./random.ts";
import { tickSource } from "./tick.ts";
import { Ticker } from "./ticker.ts";
import { VERSION } from "./version.ts";

type StopReason = NodeJS.Signals | "max-lines";

async function run(config: Config): Promise<void> {
  // Synchronous writes to fd 1: every line is in the pipe before the next statement runs,
  // so the last line survives process.exit, and a slow reader slows loggen down
  // (back-pressure) instead of filling memory.
  const stdout = pino.destination({ dest: 1, sync: true });
  const log = pino({}, stdout);
  const onWriteError = (err: NodeJS.ErrnoException): void => {
    // pino itself would silently drop all further lines after EPIPE and keep running.
    if (err.code === "EPIPE") process.exit(0);
    process.stderr.write(`loggen: cannot write to stdout: ${err.message}\n`);
    process.exit(1);
  };
  stdout.on("error", onWriteError);
  // A synchronous write can also throw EPIPE at the caller (the reader went away in the
  // middle of a burst of ticks): the same rule, so `loggen | head` always exits 0.
  const write = (line: () => void): void => {
    try {
      line();
    } catch (err) {
      onWriteError(err as NodeJS.ErrnoException);
    }
  };

  let health: HealthServer | undefined;
  let stopping = false;
  const nextTick = tickSource(osSeededRng(), config.maxNumber, config.numStrings);
  const ticker = new Ticker({
    intervalNs: effectiveIntervalNs(config),
    maxTicks: config.maxLines,
    onTick: (count) => write(() => log.info(nextTick(count), "tick")),
    onLimit: () => void stop("max-lines"),
    onSkip: (skipped) => write(() => log.warn({ skipped_ticks: skipped }, "loggen behind schedule")),
  });

  async function stop(reason: StopReason): Promise<void> {
    if (stopping) return;
    stopping = true;
    health?.setReady(false);
    ticker.stop();
    write(() => log.info({ reason, total_count: ticker.count }, "loggen stopped"));
    if (config.shutdownDelayNs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayNs / 1e6));
    await health?.close();
    process.exit(0);
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    // The second signal: the operator wants out now; 128 + n is the shell's convention.
    if (stopping) process.exit(128 + (constants.signals[signal as keyof typeof constants.signals] ?? 0));
    void stop(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  try {
    health = await startHealthServer(config.healthPort);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as NodeJS.ErrnoException).code ?? "unknown";
    // Flat string fields, not pino's nested err object: every field of every line is a scalar.
    log.error({ health_port: config.healthPort, error: message, error_code: code }, "health server failed");
    process.stderr.write(`loggen: cannot listen on health port ${config.healthPort}: ${message}\n`);
    process.exit(1);
  }
  if (stopping) return; // a signal arrived during startup; stop() finishes the exit
  log.info({ version: VERSION, ...describeConfig(config) }, "loggen started");
  ticker.start();
}

const outcome = parseConfig(process.argv.slice(2), process.env);
switch (outcome.kind) {
  case "help":
  case "version":
    process.stdout.write(outcome.text);
    break;
  case "error":
    process.stderr.write(`${outcome.message}\n`);
    process.exitCode = 2;
    break;
  case "run":
    await run(outcome.config);
    break;
}
