import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { PortalDb } from './database.ts';

/** Stands for the i-th value while the query is built: text no one would look up. */
const placeholder = (index: number) => `\u0000prepared value ${index}\u0000`;

/**
 * A query of a hot request path, built and compiled by Kysely once per database and run
 * with new values: building and compiling anew for every request was a tenth of a page's
 * CPU, though only the values change. `build` must use each value as a plain bound
 * value (compared, not inspected or spliced into text): preparing checks that each
 * placeholder reached the compiled query's parameters untouched. `arity` is how many values
 * there are, for a `build` that takes them as a rest parameter (a list of a fixed length).
 */
export function preparedQuery<Values extends unknown[], Row>(build: (db: PortalDb, ...values: Values) => Compilable<Row>, arity = build.length - 1) {
  const compiled = new WeakMap<PortalDb, { query: CompiledQuery<Row>; slots: (number | undefined)[] }>();
  const prepare = (db: PortalDb) => {
    const placeholders = Array.from({ length: arity }, (_, index) => placeholder(index));
    const query = build(db, ...(placeholders as Values)).compile();
    const slots = query.parameters.map((parameter) => {
      const index = placeholders.indexOf(parameter as string);
      if (index < 0 && typeof parameter === 'string' && parameter.includes('\u0000prepared value')) {
        throw new Error(`preparedQuery: a value was changed while the query was built (${query.sql})`);
      }
      return index < 0 ? undefined : index;
    });
    const missing = placeholders.findIndex((_, index) => !slots.includes(index));
    if (missing >= 0) throw new Error(`preparedQuery: value ${missing} is not a bound parameter of ${query.sql}`);
    const prepared = { query, slots };
    compiled.set(db, prepared);
    return prepared;
  };
  return async (db: PortalDb, ...values: Values): Promise<QueryResult<Row>> => {
    const { query, slots } = compiled.get(db) ?? prepare(db);
    const parameters = query.parameters.map((parameter, position) => {
      const slot = slots[position];
      return slot === undefined ? parameter : values[slot];
    });
    return db.executeQuery<Row>({ ...query, parameters });
  };
}

/**
 * A preparedQuery for each length of a list the query takes (an IN list, a test per year): the
 * length changes the query's text, so each length is compiled once, when first asked for.
 * `arity` says how many values a query of that length takes.
 */
export function preparedQueryPerLength<Values extends unknown[], Row>(
  build: (length: number) => (db: PortalDb, ...values: Values) => Compilable<Row>,
  arity: (length: number) => number,
) {
  const byLength = new Map<number, (db: PortalDb, ...values: Values) => Promise<QueryResult<Row>>>();
  return (length: number) => {
    let prepared = byLength.get(length);
    if (!prepared) {
      prepared = preparedQuery(build(length), arity(length));
      byLength.set(length, prepared);
    }
    return prepared;
  };
}
