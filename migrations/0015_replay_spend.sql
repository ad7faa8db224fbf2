CREATE TABLE `ai_replay_spend` (
	`id` text PRIMARY KEY NOT NULL,
	`portfolio_id` text NOT NULL,
	`run_id` text NOT NULL,
	`ai_share_id` text,
	`requested_at` integer NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`usage` text NOT NULL,
	`cost_usd` text,
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ai_replay_spend_portfolio_requested_idx` ON `ai_replay_spend` (`portfolio_id`,`requested_at`);--> statement-breakpoint
CREATE INDEX `ai_replay_spend_share_requested_idx` ON `ai_replay_spend` (`ai_share_id`,`requested_at`);