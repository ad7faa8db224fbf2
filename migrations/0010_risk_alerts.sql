CREATE TABLE `portfolio_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`portfolio_id` text NOT NULL,
	`code` text NOT NULL,
	`symbol` text NOT NULL,
	`params` text NOT NULL,
	`created_at` integer NOT NULL,
	`seen_at` integer NOT NULL,
	`resolved_at` integer,
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `portfolio_alerts_portfolio_idx` ON `portfolio_alerts` (`portfolio_id`,`resolved_at`,`created_at`);