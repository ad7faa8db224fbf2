// What recording trades reads of a portfolio's history as that history grows: the statements it ran before
// migration 0017 (every order and fill on the review's symbols) against the recent window it reads now
// (worker/portfolios/trade-window.ts), on SQLite (what D1 runs) with every migration applied. Prints rows answered and
// median time per read: the query with its answer turned into row objects (node:sqlite's, as D1 does for the Worker),
// then the Worker's own mapping of those rows (readRows, the engine's code). Asserts nothing.
//
//   npm run bench:trade-window -- --history 0,2000,20000 --reps 51
//
// Each case is one portfolio on two symbols with `history` final orders, all marked complete, one fill each, spread
// over the 90 days before yesterday, and two orders resting now (sent a minute ago), which recording trades is handed.
// Spot reads from the resting orders' send time; futures also from the last recorded fill (yesterday's).
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { parseArgs } from "node:util";
import { columnList } from "../worker/db/rows.ts";
import { portfolioFills, portfolioOrders } from "../worker/db/schema.ts";
import {
  bookedOrdersStatement,
  readBookedOrders,
  readRecordedFills,
  recordedFillsStatement,
  type TradeWindow,
} from "../worker/portfolios/trade-window.ts";
import { loadSqlite, median } from "./engine-runs.ts";
import { migrationStatements } from "./local-worker.ts";

const DAY_MS = 86_400_000;
// order-sync.ts's margin: twice the 5-minute overlap trades are re-read with.
const MARGIN_MS = 10 * 60_000;
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

const { values } = parseArgs({
  options: { history: { type: "string", default: "0,2000,20000" }, reps: { type: "string", default: "51" } },
});
const histories = values.history.split(",").map(Number);
const reps = Number(values.reps);
if (histories.some((n) => !Number.isInteger(n) || n < 0) || !Number.isInteger(reps) || reps < 1) {
  console.error("--history takes integers ≥ 0, comma-separated; --reps an integer ≥ 1");
  process.exit(2);
}

type Statement = { sql: string; params: SQLInputValue[] };

/** Collects what the engine's statement builders would send to D1 (they only prepare and bind). */
const recorder = {
  prepare: (sql: string) => ({ bind: (...params: SQLInputValue[]): Statement => ({ sql, params }) }),
} as unknown as D1Database;

/** The statements recording trades ran before migration 0017, as they were. */
function everything(portfolioId: string, symbols: string[]): Statement[] {
  const marks = symbols.map(() => "?").join(", ");
  return [
    {
      sql: `SELECT ${columnList(portfolioFills, ["orderId", "exchangeOrderId", "tradeId", "symbol", "quantity", "time"])}
        FROM "portfolio_fills" WHERE "portfolio_id" = ? AND "symbol" IN (${marks})`,
      params: [portfolioId, ...symbols],
    },
    {
      sql: `SELECT ${columnList(portfolioOrders, ["id", "symbol", "side", "type", "paper", "positionSide", "clientOrderId", "exchangeOrderId", "status", "filledQuantity", "averagePrice", "createdAt", "sentAt", "updatedAt", "stopLoss", "takeProfit"])}
        FROM "portfolio_orders" WHERE "portfolio_id" = ? AND "symbol" IN (${marks}) AND "exchange_order_id" IS NOT NULL`,
      params: [portfolioId, ...symbols],
    },
  ];
}

function windowed(window: TradeWindow, handed: string[]): Statement[] {
  return [
    recordedFillsStatement(recorder, window) as unknown as Statement,
    bookedOrdersStatement(recorder, window, handed) as unknown as Statement,
  ];
}

async function openDatabase(): Promise<DatabaseSync> {
  const { DatabaseSync: Database } = await loadSqlite();
  // Only the two tables are seeded: their parents (users, portfolios, runs) would change nothing read here.
  const db = new Database(":memory:", { enableForeignKeyConstraints: false });
  for (const statement of migrationStatements()) db.exec(statement);
  return db;
}

/** One portfolio's history: `history` filled orders, marked, one fill each, and two resting orders it was handed. */
function seed(db: DatabaseSync, portfolioId: string, history: number, now: number): string[] {
  const order = db.prepare(
    `INSERT INTO portfolio_orders (id, portfolio_id, run_id, leg, client_order_id, venue, paper, market, symbol, action,
       side, type, quantity, price, status, exchange_order_id, filled_quantity, average_price, fills_complete,
       created_at, sent_at, updated_at)
     VALUES (?, ?, 'run', ?, ?, 'binance', 0, 'spot', ?, 'buy', 'buy', 'limit', '0.01', '100', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const fill = db.prepare(
    `INSERT INTO portfolio_fills (id, portfolio_id, order_id, client_order_id, exchange_order_id, trade_id, symbol, side,
       price, quantity, fee, fee_asset, maker, time)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'buy', '100', '0.01', '0.001', 'USDT', 1, ?)`,
  );
  const first = now - DAY_MS - 90 * DAY_MS;
  const step = history > 1 ? (90 * DAY_MS) / (history - 1) : 0;
  db.exec("BEGIN");
  for (let i = 0; i < history; i++) {
    const id = `${portfolioId}-o${i}`;
    const symbol = SYMBOLS[i % SYMBOLS.length] as string;
    const sent = Math.round(first + i * step);
    order.run(id, portfolioId, i, `c${i}`, symbol, "filled", `x${i}`, "0.01", "100", 1, sent, sent, sent + 1_000);
    fill.run(`${id}-f`, portfolioId, id, `c${i}`, `x${i}`, `t${i}`, symbol, sent + 500);
  }
  const resting = SYMBOLS.map((symbol, i) => {
    const id = `${portfolioId}-open${i}`;
    order.run(
      id,
      portfolioId,
      history + i,
      `open${i}`,
      symbol,
      "open",
      `xo${i}`,
      "0",
      null,
      0,
      now - 60_000,
      now - 60_000,
      now - 60_000,
    );
    return id;
  });
  db.exec("COMMIT");
  db.exec("ANALYZE");
  return resting;
}

type Timing = { rows: number; queryUs: number; mapUs: number };

/** Median over `reps` reads of both statements: the query, then the Worker's row mapping of what it answered. */
function time(db: DatabaseSync, statements: Statement[]): Timing {
  const prepared = statements.map((s) => ({ statement: db.prepare(s.sql), params: s.params }));
  const query: number[] = [];
  const mapping: number[] = [];
  let rows = 0;
  for (let rep = 0; rep < reps; rep++) {
    const started = performance.now();
    const [fills, orders] = prepared.map((p) => p.statement.all(...p.params));
    const read = performance.now();
    readRecordedFills({ results: fills } as D1Result<unknown>);
    readBookedOrders({ results: orders } as D1Result<unknown>);
    mapping.push((performance.now() - read) * 1000);
    query.push((read - started) * 1000);
    rows = (fills?.length ?? 0) + (orders?.length ?? 0);
  }
  return { rows, queryUs: median(query), mapUs: median(mapping) };
}

const format = (t: Timing) =>
  `${String(t.rows).padStart(6)} rows  query ${t.queryUs.toFixed(0).padStart(6)} µs  mapping ${t.mapUs.toFixed(0).padStart(6)} µs`;

console.log(
  `# recording trades' reads of one portfolio's history (2 symbols, 2 resting orders; medians of ${reps} reads, node:sqlite ${process.versions.sqlite})`,
);
for (const history of histories) {
  const db = await openDatabase();
  const now = Date.now();
  const handed = seed(db, "p", history, now);
  for (const futures of [false, true]) {
    const window: TradeWindow = { portfolioId: "p", symbols: SYMBOLS, futures, marginMs: MARGIN_MS };
    const before = time(db, everything("p", SYMBOLS));
    const after = time(db, windowed(window, handed));
    const label = `${String(history).padStart(6)} orders, ${futures ? "futures" : "spot   "}`;
    console.log(`${label}  before 0017: ${format(before)}  |  window: ${format(after)}`);
  }
  db.close();
}
