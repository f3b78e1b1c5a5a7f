// Plain-text tables for a terminal: padded columns, numbers right-aligned, long cells cut.

export interface Column<R> {
  readonly title: string;
  readonly cell: (row: R) => string;
  readonly align?: "left" | "right";
  /** Longer cells are cut with "…". */
  readonly max?: number;
}

const cut = (s: string, max: number | undefined): string => (max !== undefined && [...s].length > max ? `${[...s].slice(0, max - 1).join("")}…` : s);
const width = (s: string): number => [...s].length;

export function table<R>(rows: readonly R[], columns: readonly Column<R>[]): string[] {
  const cells = rows.map((r) => columns.map((c) => cut(c.cell(r).replace(/\s+/g, " "), c.max)));
  const widths = columns.map((c, i) => Math.max(width(c.title), ...cells.map((row) => width(row[i] ?? ""))));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - width(v));
        return columns[i]?.align === "right" ? pad + v : v + pad;
      })
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)];
}

export const count = (n: number): string => n.toLocaleString("en-US");

/** Bytes in IEC units: 512 B, 1.5 KiB, 3.2 MiB. */
export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** "2026-05-01T08:00:00Z" -> "2026-05-01 08:00" (minutes are enough on a terminal). */
export const minute = (iso: string): string => iso.slice(0, 16).replace("T", " ");
