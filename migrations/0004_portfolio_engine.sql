CREATE TABLE `equity_snapshots` (
	`portfolio_id` text NOT NULL,
	`at` integer NOT NULL,
	`equity` text NOT NULL,
	`pnl` text NOT NULL,
	`run_id` text,
	PRIMARY KEY(`portfolio_id`, `at`),
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `portfolio_fills` (
	`id` text PRIMARY KEY NOT NULL,
	`portfolio_id` text NOT NULL,
	`order_id` text NOT NULL,
	`client_order_id` text NOT NULL,
	`exchange_order_id` text NOT NULL,
	`trade_id` text NOT NULL,
	`symbol` text NOT NULL,
	`side` text NOT NULL,
	`price` text NOT NULL,
	`quantity` text NOT NULL,
	`fee` text NOT NULL,
	`fee_asset` text NOT NULL,
	`maker` integer NOT NULL,
	`time` integer NOT NULL,
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `portfolio_fills_trade` ON `portfolio_fills` (`portfolio_id`,`symbol`,`trade_id`);--> statement-breakpoint
CREATE INDEX `portfolio_fills_portfolio_time_idx` ON `portfolio_fills` (`portfolio_id`,`time`);--> statement-breakpoint
CREATE TABLE `portfolio_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`portfolio_id` text NOT NULL,
	`run_id` text,
	`leg` integer NOT NULL,
	`client_order_id` text NOT NULL,
	`venue` text NOT NULL,
	`paper` integer NOT NULL,
	`market` text NOT NULL,
	`symbol` text NOT NULL,
	`action` text NOT NULL,
	`side` text NOT NULL,
	`type` text NOT NULL,
	`quantity` text NOT NULL,
	`price` text,
	`reduce_only` integer DEFAULT false NOT NULL,
	`position_side` text DEFAULT 'both' NOT NULL,
	`leverage` integer,
	`stop_loss` text,
	`take_profit` text,
	`stops_status` text DEFAULT 'none' NOT NULL,
	`stops_error` text,
	`status` text NOT NULL,
	`reason` text,
	`exchange_order_id` text,
	`filled_quantity` text DEFAULT '0' NOT NULL,
	`average_price` text,
	`notional_usd` text,
	`intent` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `portfolio_orders_client_id` ON `portfolio_orders` (`portfolio_id`,`client_order_id`);--> statement-breakpoint
CREATE INDEX `portfolio_orders_run_idx` ON `portfolio_orders` (`run_id`,`leg`);--> statement-breakpoint
CREATE INDEX `portfolio_orders_portfolio_status_idx` ON `portfolio_orders` (`portfolio_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `portfolio_orders_status_idx` ON `portfolio_orders` (`status`);--> statement-breakpoint
CREATE TABLE `portfolio_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`portfolio_id` text NOT NULL,
	`seq` integer NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`step` text NOT NULL,
	`requested_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`provider` text,
	`model` text,
	`prompt_version` text,
	`input` text,
	`prompt` text,
	`raw_response` text,
	`decision` text,
	`summary` text,
	`error_code` text,
	`error_message` text,
	`usage` text,
	`cost_usd` text,
	`durations` text,
	`notes` text,
	`planned_stops` text,
	`equity_before` text,
	`equity_after` text,
	FOREIGN KEY (`portfolio_id`) REFERENCES `portfolios`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `portfolio_runs_seq` ON `portfolio_runs` (`portfolio_id`,`seq`);--> statement-breakpoint
CREATE INDEX `portfolio_runs_portfolio_requested_idx` ON `portfolio_runs` (`portfolio_id`,`requested_at`,`id`);--> statement-breakpoint
ALTER TABLE `portfolios` ADD `status_reason_code` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `paper_capital` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `ledger` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `equity` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `equity_at` integer;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `peak_equity` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `next_run_at` integer;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `last_run_at` integer;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `failed_runs_in_a_row` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `portfolios_status_next_run_idx` ON `portfolios` (`status`,`next_run_at`);