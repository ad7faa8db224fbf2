import type { MessageKey } from "./en.ts";

export const ru: Record<MessageKey, string> = {
  "app.name": "Ballast",
  "app.tagline": "Автопилот для криптопортфелей",
  "nav.dashboard": "Обзор",
  "nav.apiDocs": "Справочник API",
  "nav.mainLabel": "Основная навигация",
  "lang.label": "Язык",
  "health.title": "Состояние сервиса",
  "health.loading": "Проверяем сервис…",
  "health.ok": "Все системы работают",
  "health.degraded": "Сбой: база данных недоступна",
  "health.failed": "Не удалось связаться с API: {message}",
  "health.retry": "Повторить",
  "health.version": "Версия",
  "health.serverTime": "Время сервера",
  "health.database": "База данных",
  "health.databaseOk": "доступна ({ms} мс)",
  "health.databaseDown": "недоступна",
  "health.lastCron": "Последний плановый обход",
  "health.never": "ещё не было",
};
