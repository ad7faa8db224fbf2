/**
 * This browser's Web Push subscription for the Notifications page: asks for permission and subscribes through the
 * app's service worker with the server's VAPID public key. The service worker itself (web/src/service-worker/index.ts)
 * shows what arrives, through ./push-events.ts.
 */
export type PushSubscriptionJson = { endpoint: string; keys: { p256dh: string; auth: string } };

export type PushProblem = "unsupported" | "no_worker" | "denied";

export class PushSetupError extends Error {
  constructor(readonly problem: PushProblem) {
    super(problem);
  }
}

export async function subscribeThisBrowser(vapidPublicKey: string): Promise<PushSubscriptionJson> {
  if (!("serviceWorker" in navigator) || !("PushManager" in globalThis) || !("Notification" in globalThis))
    throw new PushSetupError("unsupported");
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) throw new PushSetupError("no_worker");
  if ((await Notification.requestPermission()) !== "granted") throw new PushSetupError("denied");
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlBytes(vapidPublicKey),
  });
  const json = subscription.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) throw new PushSetupError("unsupported");
  return { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
