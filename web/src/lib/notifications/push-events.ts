/**
 * Push handling for the app's service worker: called from web/src/service-worker/index.ts. A push
 * carries `{ title, text, url }` (worker/notifications/delivery.ts); a click opens that page of the app.
 */
type PushPayload = { title?: string; text?: string; url?: string };

type WorkerScope = {
  addEventListener(
    type: "push",
    listener: (event: { data: { json(): unknown } | null; waitUntil(p: Promise<unknown>): void }) => void,
  ): void;
  addEventListener(
    type: "notificationclick",
    listener: (event: {
      notification: { data?: { url?: string }; close(): void };
      waitUntil(p: Promise<unknown>): void;
    }) => void,
  ): void;
  registration: {
    showNotification(title: string, options: { body?: string; data?: unknown; tag?: string }): Promise<void>;
  };
  clients: { openWindow(url: string): Promise<unknown> };
};

export function handlePushEvents(scope: WorkerScope): void {
  scope.addEventListener("push", (event) => {
    let payload: PushPayload = {};
    try {
      payload = (event.data?.json() ?? {}) as PushPayload;
    } catch {
      // Not JSON: shown with the default title.
    }
    event.waitUntil(
      scope.registration.showNotification(payload.title ?? "Ballast", {
        body: payload.text ?? "",
        data: { url: payload.url ?? "/notifications" },
      }),
    );
  });
  scope.addEventListener("notificationclick", (event) => {
    event.notification.close();
    event.waitUntil(scope.clients.openWindow(event.notification.data?.url ?? "/"));
  });
}
