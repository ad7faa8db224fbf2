import { Dec, type Decimal, formatDecimal } from "./decimal.ts";
import { type Account, SimError } from "./types.ts";

/** Spot wallet moves: free ⇄ locked, credits and debits. Amounts are exact decimals; balances never go negative. */

function balance(account: Account, asset: string): { free: Decimal; locked: Decimal } {
  const entry = account.spot.get(asset);
  return { free: new Dec(entry?.free ?? "0"), locked: new Dec(entry?.locked ?? "0") };
}

function store(account: Account, asset: string, free: Decimal, locked: Decimal): void {
  account.spot.set(asset, { free: formatDecimal(free), locked: formatDecimal(locked) });
}

export function freeBalance(account: Account, asset: string): Decimal {
  return balance(account, asset).free;
}

export function credit(account: Account, asset: string, amount: Decimal): void {
  const { free, locked } = balance(account, asset);
  store(account, asset, free.plus(amount), locked);
}

export function debitFree(account: Account, asset: string, amount: Decimal): void {
  const { free, locked } = balance(account, asset);
  if (free.lt(amount))
    throw new SimError("insufficient_balance", `insufficient ${asset}: need ${amount}, free ${free}`);
  store(account, asset, free.minus(amount), locked);
}

export function lock(account: Account, asset: string, amount: Decimal): void {
  const { free, locked } = balance(account, asset);
  if (free.lt(amount))
    throw new SimError("insufficient_balance", `insufficient ${asset}: need ${amount}, free ${free}`);
  store(account, asset, free.minus(amount), locked.plus(amount));
}

export function unlock(account: Account, asset: string, amount: Decimal): void {
  const { free, locked } = balance(account, asset);
  store(account, asset, free.plus(amount), locked.minus(amount));
}

export function debitLocked(account: Account, asset: string, amount: Decimal): void {
  const { free, locked } = balance(account, asset);
  store(account, asset, free, locked.minus(amount));
}

/** Adds a signed amount to free (PnL and fees of a Bybit unified account); a loss beyond the balance stops at zero. */
export function adjustFree(account: Account, asset: string, delta: Decimal): void {
  const { free, locked } = balance(account, asset);
  store(account, asset, new Dec(0).gt(free.plus(delta)) ? new Dec(0) : free.plus(delta), locked);
}
