// `npm run gen` writes every generated file; `npm run gen -- --check` only compares
// and exits 1 listing the stale files. `--ports FILE` reads another ports.json.
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseNames } from "./model/names-schema.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * gen/names.json is read when the generators are imported; checked first, a mistake in it is
 * one `gen:` message (file, key, what is allowed) and exit 1, like ports.json's.
 */
function checkNames(): string | undefined {
  const file = resolve(ROOT, "gen/names.json");
  const shown = relative(process.cwd(), file) || file;
  try {
    parseNames(JSON.parse(readFileSync(file, "utf8")) as unknown, shown);
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    return message.startsWith(shown) ? message : `${shown}: ${message}`;
  }
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        check: { type: "boolean", default: false },
        ports: { type: "string" },
        settings: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`gen: ${(e as Error).message}\nUsage: npm run gen [-- --check] [--ports FILE] [--settings FILE] [--out DIR]`);
    return 2;
  }
  if (args.help) {
    console.log(`Usage: npm run gen [-- --check] [--ports FILE] [--settings FILE] [--out DIR]
  (no flag)     write k8s.generated/ and sql/ from ports.json and gen/images.json
  --check       write nothing; exit 1 and list the files that differ from a fresh generation
  --ports FILE  read this ports.json instead of the repository's
  --settings FILE  read these settings (retention, resources) instead of gen/settings.json
  --out DIR     write (or check) under DIR instead of the repository root`);
    return 0;
  }
  const namesProblem = checkNames();
  if (namesProblem !== undefined) {
    console.error(`gen: ${namesProblem}`);
    return 1;
  }
  const { generate } = await import("./generate.ts");
  const { loadModel } = await import("./model/model.ts");
  const { compareFiles, writeFiles } = await import("./write.ts");
  let files;
  try {
    const model = loadModel(ROOT, args.ports === undefined ? undefined : resolve(args.ports), args.settings === undefined ? undefined : resolve(args.settings));
    files = generate(model);
  } catch (e) {
    console.error(`gen: ${(e as Error).message}`);
    return 1;
  }
  const out = args.out === undefined ? ROOT : resolve(args.out);
  if (args.check) {
    const diffs = compareFiles(out, files);
    if (diffs.length === 0) {
      console.log(`gen --check: ${files.length} generated files are up to date`);
      return 0;
    }
    console.error("gen --check: generated files are stale; run `npm run gen` and commit the result:");
    for (const d of diffs) console.error(`  ${d.problem.padEnd(8)} ${d.path}`);
    return 1;
  }
  const changes = writeFiles(out, files);
  for (const c of changes) console.log(`${c.problem === "stale" ? "removed" : "wrote"}  ${c.path}`);
  console.log(`gen: ${files.length} files, ${changes.length} changed`);
  return 0;
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
