// `npm run gen` writes every generated file; `npm run gen -- --check` only compares
// and exits 1 listing the stale files. `--ports FILE` reads another ports.json.
// A mistake in an input file is one line per problem, `gen: <file>: <key>: expected ..., got ...`
// (gen/model/validate.ts), and exit 1.
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generate } from "./generate.ts";
import { loadModel } from "./model/model.ts";
import { InputError } from "./model/validate.ts";
import { compareFiles, writeFiles } from "./write.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** An input file as the user would type it: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? file : rel;
}

/** Prints an input file's problems, one `gen:` line each; anything else as one `gen:` message. */
function report(e: unknown): void {
  const lines = e instanceof InputError ? e.lines(shown(e.file)) : [(e as Error).message];
  for (const l of lines) console.error(`gen: ${l}`);
}

function main(argv: string[]): number {
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
  let files;
  try {
    const model = loadModel(ROOT, args.ports === undefined ? undefined : resolve(args.ports), args.settings === undefined ? undefined : resolve(args.settings));
    files = generate(model);
  } catch (e) {
    report(e);
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

process.exitCode = main(process.argv.slice(2));
