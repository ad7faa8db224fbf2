import type { NotificationEvent, NotificationParams } from "../../shared/api/notifications.ts";

/** What every channel says about an event: a title and a line of text (Telegram and push show them as they are). */
export type NotificationMessage = { title: string; text: string };

const str = (params: NotificationParams, name: string): string => {
  const value = params[name];
  return value === null || value === undefined ? "" : String(value);
};

export function messageOf(type: NotificationEvent | "test", params: NotificationParams): NotificationMessage {
  const portfolio = str(params, "portfolioName");
  switch (type) {
    case "approval_waiting":
      return {
        title: `${portfolio}: orders waiting for approval`,
        text: `A review of ${portfolio} planned ${str(params, "orders")} order(s) that wait for your approval.`,
      };
    case "order_filled":
      return {
        title: `${portfolio}: order filled`,
        text: `${str(params, "side")} ${str(params, "quantity")} ${str(params, "symbol")} filled at ${str(params, "averagePrice")}.`,
      };
    case "stop_loss_hit":
      return {
        title: `${portfolio}: stop-loss hit`,
        text: `The stop-loss on ${str(params, "symbol")} closed ${str(params, "quantity")} at ${str(params, "price")}.`,
      };
    case "portfolio_paused":
      return { title: `${portfolio} paused`, text: `Ballast paused ${portfolio}: ${str(params, "reason")}` };
    case "key_unverified":
      return {
        title: `Exchange key "${str(params, "label")}" is unverified`,
        text: `The ${str(params, "venue")} key "${str(params, "label")}" could not be verified and will not trade: ${str(params, "reason")}`,
      };
    case "daily_summary":
      return {
        title: `Ballast daily summary ${str(params, "date")}`,
        text:
          `${str(params, "active")} running, ${str(params, "paused")} paused portfolio(s); ` +
          `${str(params, "fills")} fill(s) in the last 24 h; ${str(params, "awaitingApproval")} review(s) waiting for approval.`,
      };
    case "test":
      return { title: "Ballast test notification", text: "This channel works: Ballast can reach you here." };
  }
}
