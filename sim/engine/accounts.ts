import { Dec, isDecimalString } from "./decimal.ts";
import { type Account, type Permissions, type SimEnvironment, SimError, type SimVenue } from "./types.ts";
import { credit } from "./wallet.ts";

/** Simulated API keys and their starting balances. */

export type AccountInput = {
  /** Default `live`. */
  environment?: SimEnvironment;
  apiKey?: string;
  apiSecret?: string;
  permissions?: Partial<Permissions>;
  spot?: Record<string, string>;
  futuresWallet?: string;
};

/** The environments each venue has (Binance's two testnets are separate sites with separate keys). */
const ENVIRONMENTS: Record<SimVenue, readonly SimEnvironment[]> = {
  binance: ["live", "spot-testnet", "futures-testnet", "demo"],
  bybit: ["live", "testnet", "demo"],
};

const DEFAULT_PERMISSIONS: Permissions = { read: true, spot: true, futures: true, withdrawals: false };
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// Real key shapes: Binance uses 64-character keys and secrets, Bybit 18-character keys and 36-character secrets.
const KEY_LENGTHS: Record<SimVenue, { key: number; secret: number }> = {
  binance: { key: 64, secret: 64 },
  bybit: { key: 18, secret: 36 },
};

function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("");
}

function amount(value: string, name: string): string {
  if (!isDecimalString(value)) throw new SimError("invalid_parameter", `${name} must be a decimal string`);
  return value;
}

function environmentOf(venue: SimVenue, environment: SimEnvironment = "live"): SimEnvironment {
  if (ENVIRONMENTS[venue].includes(environment)) return environment;
  throw new SimError(
    "invalid_parameter",
    `${venue} has no ${environment} environment (it has ${ENVIRONMENTS[venue].join(", ")})`,
  );
}

export function newAccount(venue: SimVenue, id: string, input: AccountInput): Account {
  const account: Account = {
    id,
    venue,
    environment: environmentOf(venue, input.environment),
    apiKey: input.apiKey ?? randomToken(KEY_LENGTHS[venue].key),
    apiSecret: input.apiSecret ?? randomToken(KEY_LENGTHS[venue].secret),
    permissions: { ...DEFAULT_PERMISSIONS, ...input.permissions },
    spot: new Map(),
    futuresWallet: "0",
    positionMode: "one_way",
    leverage: new Map(),
    marginMode: new Map(),
    positions: new Map(),
    orders: new Map(),
    fills: [],
    conditionals: new Map(),
    funding: [],
  };
  for (const [asset, value] of Object.entries(input.spot ?? {})) {
    credit(account, asset, new Dec(amount(value, `spot.${asset}`)));
  }
  if (input.futuresWallet !== undefined) {
    const wallet = amount(input.futuresWallet, "futuresWallet");
    // A Bybit unified account has one wallet: futures money is its USDT.
    if (venue === "bybit") credit(account, "USDT", new Dec(wallet));
    else account.futuresWallet = wallet;
  }
  return account;
}
