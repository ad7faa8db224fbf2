/**
 * A D1 binding that counts what it sends to the database: round trips (a batch is one) and statements. Each round
 * trip costs the Worker CPU of its own (the binding serializes the SQL and its parameters and parses the answer), so
 * the engine keeps a review's count low, and tests hold it to that as behaviour.
 */

export type QueryCount = { roundTrips: number; statements: number };

export function newQueryCount(): QueryCount {
  return { roundTrips: 0, statements: 0 };
}

/** `d1` with every query counted into `count`; `onQuery` sees each statement's SQL (for tests and benches). */
export function countedD1(d1: D1Database, count: QueryCount, onQuery?: (sql: string) => void): D1Database {
  const counted: Pick<D1Database, "prepare" | "batch" | "exec"> = {
    prepare: (query) =>
      new CountedStatement(d1.prepare(query), query, count, onQuery) as unknown as D1PreparedStatement,
    batch: (statements) => {
      count.roundTrips++;
      count.statements += statements.length;
      return d1.batch(
        statements.map((statement) => {
          if (!(statement instanceof CountedStatement)) return statement;
          onQuery?.(statement.query);
          return statement.inner;
        }),
      );
    },
    exec: (query) => {
      count.roundTrips++;
      count.statements++;
      onQuery?.(query);
      return d1.exec(query);
    },
  };
  return counted as D1Database;
}

class CountedStatement {
  readonly inner: D1PreparedStatement;
  readonly query: string;
  readonly count: QueryCount;
  readonly onQuery: ((sql: string) => void) | undefined;

  constructor(
    inner: D1PreparedStatement,
    query: string,
    count: QueryCount,
    onQuery: ((sql: string) => void) | undefined,
  ) {
    this.inner = inner;
    this.query = query;
    this.count = count;
    this.onQuery = onQuery;
  }

  bind(...values: unknown[]): CountedStatement {
    return new CountedStatement(this.inner.bind(...values), this.query, this.count, this.onQuery);
  }

  #sent(): D1PreparedStatement {
    this.count.roundTrips++;
    this.count.statements++;
    this.onQuery?.(this.query);
    return this.inner;
  }

  first(column?: string) {
    return column === undefined ? this.#sent().first() : this.#sent().first(column);
  }

  run() {
    return this.#sent().run();
  }

  all() {
    return this.#sent().all();
  }

  raw(options?: { columnNames?: false }) {
    return this.#sent().raw(options);
  }
}
