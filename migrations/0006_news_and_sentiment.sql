CREATE TABLE `fear_greed_readings` (
	`at` integer PRIMARY KEY NOT NULL,
	`value` integer NOT NULL,
	`classification` text NOT NULL,
	`fetched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `news_items` (
	`id` text PRIMARY KEY NOT NULL,
	`link` text NOT NULL,
	`title_key` text NOT NULL,
	`title` text NOT NULL,
	`source` text NOT NULL,
	`tokens` text NOT NULL,
	`score` real NOT NULL,
	`published_at` integer NOT NULL,
	`fetched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `news_items_link` ON `news_items` (`link`);--> statement-breakpoint
CREATE UNIQUE INDEX `news_items_title_key` ON `news_items` (`title_key`);--> statement-breakpoint
CREATE INDEX `news_items_published_idx` ON `news_items` (`published_at`);--> statement-breakpoint
CREATE TABLE `news_token_catalog` (
	`id` text PRIMARY KEY NOT NULL,
	`tokens` text NOT NULL,
	`refreshed_at` integer NOT NULL
);
