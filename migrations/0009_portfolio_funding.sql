CREATE TABLE `portfolio_funding` (
	`portfolio_id` text NOT NULL,
	`venue_id` text NOT NULL,
	`run_id` text,
	`symbol` text NOT NULL,
	`asset` text NOT NULL,
	`venue_amount` text NOT NULL,
	`amount` text NOT NULL,
	`time` integer NOT NULL,
	`booked_at` integer NOT NULL,
	PRIMARY KEY(`portfolio_id`, `venue_id`),
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `portfolio_funding_time_idx` ON `portfolio_funding` (`portfolio_id`,`time`);