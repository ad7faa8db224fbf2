CREATE TABLE `ai_key_shares` (
	`id` text PRIMARY KEY NOT NULL,
	`ai_key_id` text NOT NULL,
	`admin_id` text NOT NULL,
	`user_id` text NOT NULL,
	`monthly_budget_usd` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`ai_key_id`) REFERENCES `ai_keys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`admin_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ai_key_shares_key_user` ON `ai_key_shares` (`ai_key_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `ai_key_shares_user_idx` ON `ai_key_shares` (`user_id`);--> statement-breakpoint
ALTER TABLE `ai_keys` ADD `base_url` text;--> statement-breakpoint
ALTER TABLE `portfolio_runs` ADD `ai_share_id` text;--> statement-breakpoint
CREATE INDEX `portfolio_runs_ai_share_requested_idx` ON `portfolio_runs` (`ai_share_id`,`requested_at`);--> statement-breakpoint
ALTER TABLE `portfolios` ADD `ai_share_id` text;