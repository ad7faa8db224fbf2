ALTER TABLE `portfolio_runs` ADD `ai_options` text;--> statement-breakpoint
ALTER TABLE `portfolio_runs` ADD `fallback` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `reasoning_effort` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `web_search` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `ai_spend_cap_usd` text;