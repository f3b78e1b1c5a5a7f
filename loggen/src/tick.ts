// The payload of one tick line; pino adds level, time, pid, hostname and msg.
import { pick, randomIntInclusive, stringsFor, type Rng, type TickString } from "./random.ts";

export interface TickFields {
  readonly count: number;
  readonly random_number: number;
  readonly random_string: TickString;
}

export type TickSource = (count: number) => TickFields;

/** Binds the random choices to the configured range and string subset. */
export function tickSource(rng: Rng, maxNumber: number, numStrings: number): TickSource {
  const strings = stringsFor(numStrings);
  return (count) => ({
    count,
    random_number: randomIntInclusive(rng, maxNumber),
    random_string: pick(rng, strings),
  });
}
