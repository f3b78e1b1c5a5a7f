import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { describeConfig, effectiveIntervalNs, helpText, parseConfig, SETTINGS, type Config, type Env, type ParseOutcome } from "../src/config.ts";

const DEFAULTS: Config = {
  maxNumber: 100,
  numStrings: 10,
  sleepDurationNs: 5e9,
  rate: 0,
  maxLines: 0,
  healthPort: 8081,
  shutdownDelayNs: 0,
};

function config(argv: readonly string[], env: Env = {}): Config {
  const out = parseConfig(argv, env);
  if (out.kind !== "run") assert.fail(`expected a config, got ${JSON.stringify(out)}`);
  return out.config;
}

function errorOf(argv: readonly string[], env: Env = {}): string {
  const out: ParseOutcome = parseConfig(argv, env);
  if (out.kind !== "error") assert.fail(`expected an error for ${JSON.stringify({ argv, env })}, got ${JSON.stringify(out)}`);
  return out.message;
}

/** One valid and one other valid text per setting, with the values they mean. */
const SAMPLES: Record<keyof Config, readonly [string, number, string, number]> = {
  maxNumber: ["0", 0, "2147483647", 2_147_483_647],
  numStrings: ["1", 1, "7", 7],
  sleepDurationNs: ["250ms", 250e6, "1m30s", 90e9],
  rate: ["1000", 1000, "1000000", 1e6],
  maxLines: ["1", 1, "9007199254740991", Number.MAX_SAFE_INTEGER],
  healthPort: ["1", 1, "65535", 65535],
  shutdownDelayNs: ["1s", 1e9, "30s", 30e9],
};

/** Values each setting must refuse (the list: negative, huge, 0 or > 10 strings, bad durations, ports out of range). */
const BAD: Record<keyof Config, readonly string[]> = {
  maxNumber: ["-1", "2147483648", "99999999999999999999999", "1.5", "1e3", "0x10", "abc", " 5", "5 ", "+5", ""],
  numStrings: ["0", "11", "-1", "1.0", "ten", ""],
  sleepDurationNs: ["5", "-1s", "1d", "25h", "999ns", "5 s", "1e3ms", "fast", ""],
  rate: ["-1", "1000001", "1.5", "max", ""],
  maxLines: ["-1", "9007199254740992", "1e6", "1.5", ""],
  healthPort: ["0", "65536", "-80", "http", "80.0", ""],
  shutdownDelayNs: ["31s", "-1s", "1m", "5", ""],
};

describe("parseConfig", () => {
  test("defaults: the design document's values", () => {
    assert.deepEqual(config([], {}), DEFAULTS);
  });

  for (const s of SETTINGS) {
    const [text1, value1, text2, value2] = SAMPLES[s.key];
    describe(`--${s.flag} / ${s.env}`, () => {
      test("the flag sets it, in every spelling", () => {
        assert.equal(config([`--${s.flag}`, text1])[s.key], value1);
        assert.equal(config([`--${s.flag}=${text1}`])[s.key], value1);
        assert.equal(config([`-${s.flag}`, text1])[s.key], value1);
        assert.equal(config([`-${s.flag}=${text1}`])[s.key], value1);
      });
      test("the env var sets it; an empty one counts as unset", () => {
        assert.equal(config([], { [s.env]: text1 })[s.key], value1);
        assert.equal(config([], { [s.env]: "" })[s.key], DEFAULTS[s.key]);
      });
      test("precedence: flag over env over default", () => {
        assert.equal(config([`--${s.flag}`, text2], { [s.env]: text1 })[s.key], value2);
        assert.equal(config([], { [s.env]: text2 })[s.key], value2);
        // The other settings keep their defaults.
        const other = config([`--${s.flag}`, text2], { [s.env]: text1 });
        for (const k of Object.keys(DEFAULTS) as Array<keyof Config>) if (k !== s.key) assert.equal(other[k], DEFAULTS[k], k);
      });
      test("a repeated flag: the last one wins", () => {
        assert.equal(config([`--${s.flag}`, text1, `--${s.flag}=${text2}`])[s.key], value2);
      });
      for (const bad of BAD[s.key]) {
        test(`refuses ${JSON.stringify(bad)} as flag and as env var, naming it`, () => {
          assert.equal(errorOf([`--${s.flag}`, bad]), `loggen: invalid --${s.flag} ${JSON.stringify(bad)}: expected ${s.allowed}`);
          assert.equal(errorOf([`--${s.flag}=${bad}`]), `loggen: invalid --${s.flag} ${JSON.stringify(bad)}: expected ${s.allowed}`);
          if (bad !== "") assert.equal(errorOf([], { [s.env]: bad }), `loggen: invalid ${s.env} ${JSON.stringify(bad)}: expected ${s.allowed}`);
        });
      }
      test("an invalid env var is reported even when a flag overrides it", () => {
        const bad = BAD[s.key][0] ?? assert.fail("no bad sample");
        assert.match(errorOf([`--${s.flag}`, text1], { [s.env]: bad }), new RegExp(`^loggen: invalid ${s.env} `));
      });
      test("a flag without a value names the flag", () => {
        assert.equal(errorOf([`--${s.flag}`]), `loggen: flag --${s.flag} needs a value: expected ${s.allowed}`);
      });
    });
  }

  test("the error messages the operator sees", () => {
    assert.equal(errorOf(["--num-strings", "11"]), 'loggen: invalid --num-strings "11": expected an integer from 1 to 10');
    assert.equal(errorOf([], { LOGGEN_MAX_NUMBER: "-5" }), 'loggen: invalid LOGGEN_MAX_NUMBER "-5": expected an integer from 0 to 2147483647');
    assert.equal(
      errorOf(["--sleep-duration=5"]),
      'loggen: invalid --sleep-duration "5": expected a duration such as 5s, 250ms or 1m30s (units ns, us, ms, s, m, h) from 1us to 24h, or 0s for as fast as possible',
    );
    assert.equal(errorOf([], { LOGGEN_HEALTH_PORT: "70000" }), 'loggen: invalid LOGGEN_HEALTH_PORT "70000": expected an integer from 1 to 65535');
  });

  test("error messages stay on one line and short, whatever the value", () => {
    const msg = errorOf(["--max-number", `1\n2\u0000${"9".repeat(5000)}`]);
    assert.doesNotMatch(msg, /[\n\r\u0000]/u);
    assert.ok(msg.length < 300, `${msg.length} characters`);
  });

  test("flags are checked before env vars, in argv order", () => {
    assert.match(errorOf(["--rate", "x", "--num-strings", "0"], { LOGGEN_MAX_NUMBER: "-1" }), /^loggen: invalid --rate /u);
  });

  test("unknown flags, stray arguments and a trailing --", () => {
    assert.equal(errorOf(["--max-numbr", "5"]), 'loggen: unknown flag "--max-numbr" (see loggen --help)');
    assert.equal(errorOf(["--verbose"]), 'loggen: unknown flag "--verbose" (see loggen --help)');
    assert.equal(errorOf(["5s"]), 'loggen: unexpected argument "5s": loggen takes only flags (see loggen --help)');
    assert.equal(errorOf(["-"]), 'loggen: unexpected argument "-": loggen takes only flags (see loggen --help)');
    assert.equal(errorOf(["--", "--rate", "5"]), 'loggen: unexpected argument "--rate": loggen takes only flags (see loggen --help)');
    assert.deepEqual(config(["--rate", "5", "--"]), { ...DEFAULTS, rate: 5 });
  });

  test("a value may look like a flag (Go takes the next argument as the value)", () => {
    assert.equal(errorOf(["--max-number", "--num-strings"]), 'loggen: invalid --max-number "--num-strings": expected an integer from 0 to 2147483647');
  });

  test("unrelated environment variables are ignored", () => {
    assert.deepEqual(config([], { LOGGEN_UNKNOWN: "x", PATH: "/bin", HOME: "/root" }), DEFAULTS);
  });

  test("--help and --version win over everything else", () => {
    for (const h of ["--help", "-h", "-help"]) {
      const out = parseConfig(["--num-strings", "99", h], { LOGGEN_RATE: "bad" });
      assert.equal(out.kind, "help");
    }
    const v = parseConfig(["--version"], {});
    assert.deepEqual(v, { kind: "version", text: "loggen 0.1.0\n" });
  });
});

describe("helpText", () => {
  const help = helpText();
  test("documents every flag, env var, default and allowed range", () => {
    for (const s of SETTINGS) {
      assert.ok(help.includes(`--${s.flag}`), s.flag);
      assert.ok(help.includes(s.env), s.env);
      assert.ok(help.includes(`default ${s.show(s.defaultValue)}`), `${s.flag} default`);
      assert.ok(help.includes(s.allowed), `${s.flag} allowed`);
    }
  });
  test("documents precedence, endpoints, signals and exit codes", () => {
    for (const phrase of ["Precedence: a flag beats its environment variable, which beats the default", "GET /health", "GET /ready", "503", "404", "SIGTERM", "SIGINT", "Exit codes", "second SIGTERM/SIGINT"]) {
      assert.ok(help.includes(phrase), phrase);
    }
  });
});

describe("effective pacing", () => {
  test("--rate replaces --sleep-duration; 0s means unpaced", () => {
    assert.equal(effectiveIntervalNs(DEFAULTS), 5e9);
    assert.equal(effectiveIntervalNs({ ...DEFAULTS, rate: 1000 }), 1e6);
    assert.equal(effectiveIntervalNs({ ...DEFAULTS, rate: 1000, sleepDurationNs: 0 }), 1e6);
    assert.equal(effectiveIntervalNs({ ...DEFAULTS, sleepDurationNs: 0 }), 0);
  });
  test("the start line's description", () => {
    assert.deepEqual(describeConfig(DEFAULTS), {
      mode: "interval",
      max_number: 100,
      num_strings: 10,
      sleep_duration: "5s",
      rate: 0,
      max_lines: 0,
      health_port: 8081,
      shutdown_delay: "0s",
    });
    assert.equal(describeConfig({ ...DEFAULTS, rate: 5 }).mode, "rate");
    assert.equal(describeConfig({ ...DEFAULTS, sleepDurationNs: 0 }).mode, "unpaced");
  });
});
