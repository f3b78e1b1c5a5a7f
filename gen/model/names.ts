// Names that several generated files must agree on, defined once in gen/names.json
// (Nix reads them from nix.generated/model.json) and validated here, so a typo fails
// generation instead of producing manifests that point at nothing.
import { fileURLToPath } from "node:url";
import { loadNames } from "./names-schema.ts";

export { loadNames, parseNames, type Names } from "./names-schema.ts";

const FILE = fileURLToPath(new URL("../names.json", import.meta.url));

const names = loadNames(FILE);

/** Every name, as gen/names.json has them (for the resolved model Nix reads). */
export const NAMES = names;

export const NAMESPACE = names.namespace;

/** ClickHouse database and tables. */
export const DATABASE = names.database;
export const LOGS_TABLE = names.logsTable;
/**
 * The Null tables FluentBit inserts records into, and the views that turn them into
 * otel_logs rows: container lines and JSON posts; OTLP records (gen/clickhouse/ingest.ts).
 */
export const INGEST_TABLE = names.ingestTable;
export const INGEST_VIEW = names.ingestView;
export const OTLP_INGEST_TABLE = names.otlpIngestTable;
export const OTLP_INGEST_VIEW = names.otlpIngestView;
export const HOURLY_TABLE = names.hourlyTable;
export const HOURLY_VIEW = names.hourlyView;

/** The catalog ("know your data", gen/clickhouse/catalog.ts): tables and the views that fill them. */
export const ATTRIBUTES_TABLE = names.attributesTable;
export const ATTRIBUTES_VIEW = names.attributesView;
export const PATTERNS_TABLE = names.patternsTable;
export const PATTERNS_VIEW = names.patternsView;
export const VOLUME_TABLE = names.volumeTable;
export const VOLUME_VIEW = names.volumeView;

/** ClickHouse users: FluentBit may only INSERT, HyperDX may only read. */
export const INGEST_USER = names.ingestUser;
export const READER_USER = names.readerUser;

/**
 * The read-only user's password. Not a secret, on purpose: browser-only HyperDX sends it
 * from the page (its default connection reaches the browser in /__ENV.js), so anyone who
 * can load HyperDX can read it. What protects the data: this user may only SELECT from the
 * logs database, ClickHouse's HTTP port is forwarded to the host's 127.0.0.1 only, and
 * browsers on other origins cannot read the answers (CORS, gen/clickhouse/config.ts).
 */
export const READER_PASSWORD = names.readerPassword;

/**
 * The Secret that holds the other ClickHouse passwords, and its keys. It is not generated
 * (no password is committed): the VM creates it with random values on first boot; on
 * another cluster the README's `kubectl create secret` line does.
 */
export const CREDENTIALS_SECRET = names.credentialsSecret;
export const SECRET_KEYS = names.secretKeys;

/** Env vars that carry those passwords into the ClickHouse and FluentBit containers. */
export const PASSWORD_ENV = names.passwordEnv;
